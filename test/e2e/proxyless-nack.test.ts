/**
 * A proxyless client that rejects its configuration, against a real
 * `koguma cp run` process: a raw ADS client (support/proxyless-ads.ts)
 * registers as a grpc-flavour dataplane consuming `backend`, ACKs clusters
 * and NACKs every ClusterLoadAssignment.
 *
 *   NACK v1 ─► v1 is not sent again, even when other dataplanes change
 *   a backend endpoint is added ─► v2 is sent (and NACKed in turn)
 *   _overview ─► eds.lastNack carries the client's error text and version
 *
 * The architecture's rule under test: a NACKed version is never resent; the
 * error is kept and shown.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { DiscoveryResponse } from '../../src/xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { endpointPortsOf } from '../support/ads-endpoints.js';
import { startAdsClient, type AdsClient } from '../support/proxyless-ads.js';
import {
  api,
  cleanUp,
  startControlPlane,
  subscriptionOf,
  waitFor,
  type ControlPlaneProcess,
} from '../support/proxyless.js';

/** How long "nothing is resent" is watched: many debounce windows (10 ms) and engine passes. */
const QUIET_MS = 1_500;

let cp: ControlPlaneProcess;
let nacker: AdsClient | undefined;

const backendDataplane = (name: string, service: string, port: number) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: {
    address: '127.0.0.1',
    inbound: [{ port, tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'grpc' } }],
  },
});

const nackerDataplane = {
  type: 'Dataplane',
  mesh: 'default',
  name: 'nacker-1',
  networking: {
    address: '127.0.0.1',
    inbound: [{ port: 40000, tags: { 'kuma.io/service': 'nacker', 'kuma.io/protocol': 'grpc' } }],
    outbound: [{ port: 10001, tags: { 'kuma.io/service': 'backend' } }],
  },
};

const rejection = (response: DiscoveryResponse) =>
  `nacker-1 refuses ClusterLoadAssignment version ${response.versionInfo}: endpoints fail validation`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  cp = await startControlPlane();
  assert.equal(
    (await api(cp, 'PUT', '/meshes/default/dataplanes/backend-a', backendDataplane('backend-a', 'backend', 7001)))
      .status,
    201,
  );
});

after(async () => {
  nacker?.close();
  await cleanUp();
});

describe('proxyless gRPC: a client that NACKs', () => {
  it('registers through its node metadata and gets clusters (ACKed) and endpoints (NACKed)', async () => {
    nacker = startAdsClient({
      xdsUrl: cp.xdsUrl,
      ca: await readFile(cp.caCertFile, 'utf8'),
      nodeId: 'default.nacker-1',
      dataplane: nackerDataplane,
      subscribe: [{ typeUrl: TypeUrl.Cluster }, { typeUrl: TypeUrl.ClusterLoadAssignment, resourceNames: ['backend'] }],
      nack: TypeUrl.ClusterLoadAssignment,
      errorOf: rejection,
    });
    const [first] = await waitFor(`endpoints (stream failure: ${String(nacker.failure())})`, () => {
      const eds = nacker!.ofType(TypeUrl.ClusterLoadAssignment);
      return eds.length > 0 ? eds : undefined;
    });
    assert.deepEqual(endpointPortsOf(first!), [7001]);
    assert.deepEqual(nacker.ofType(TypeUrl.Cluster).length, 1);
    assert.equal(
      (await api(cp, 'GET', '/meshes/default/dataplanes/nacker-1')).status,
      200,
      'registered from its node metadata',
    );
  });

  it('the NACKed version is not resent while nothing it depends on changes', async () => {
    const [first] = nacker!.ofType(TypeUrl.ClusterLoadAssignment);
    // The mesh changes (another service's dataplane) and so does the client's
    // own Dataplane (a label, which rebuilds its snapshot), but not its endpoints.
    assert.equal(
      (await api(cp, 'PUT', '/meshes/default/dataplanes/other-1', backendDataplane('other-1', 'other', 7100))).status,
      201,
    );
    assert.equal(
      (await api(cp, 'PUT', '/meshes/default/dataplanes/nacker-1', { ...nackerDataplane, labels: { team: 'qa' } }))
        .status,
      200,
    );
    await sleep(QUIET_MS);
    assert.deepEqual(
      nacker!.ofType(TypeUrl.ClusterLoadAssignment).map((r) => r.versionInfo),
      [first!.versionInfo],
      'one response for the endpoints, never repeated',
    );
    assert.equal(nacker!.ofType(TypeUrl.Cluster).length, 1, 'clusters unchanged, not resent either');
  });

  it('the overview shows the rejected version and the client’s error text', async () => {
    const [first] = nacker!.ofType(TypeUrl.ClusterLoadAssignment);
    const seen = await waitFor('the NACK in the overview', async () => {
      const s = await subscriptionOf(cp, 'nacker-1');
      return s?.subscription.status.eds?.lastNack !== undefined ? s : undefined;
    });
    const { eds, cds } = seen.subscription.status;
    assert.equal(seen.connected, true);
    assert.deepEqual(
      { version: eds.lastNack.version, error: eds.lastNack.error },
      { version: first!.versionInfo, error: rejection(first!) },
    );
    assert.equal(eds.sentVersion, first!.versionInfo);
    assert.equal(eds.ackedVersion, undefined, 'nothing accepted');
    assert.equal(eds.responsesRejected, '1');
    assert.equal(cds.ackedVersion, cds.sentVersion, 'the clusters were accepted');
    assert.equal(cds.lastNack, undefined);
    assert.ok(
      cp.proc.lines.some(
        (line) => line.includes('"proxy rejected a response (NACK)"') && line.includes(rejection(first!)),
      ),
      'the control plane logs the rejection with its text',
    );
  });

  it('a real change sends a new version, whose NACK replaces the last one', async () => {
    const [first] = nacker!.ofType(TypeUrl.ClusterLoadAssignment);
    assert.equal(
      (await api(cp, 'PUT', '/meshes/default/dataplanes/backend-b', backendDataplane('backend-b', 'backend', 7002)))
        .status,
      201,
    );
    const second = await waitFor('new endpoints', () => nacker!.ofType(TypeUrl.ClusterLoadAssignment)[1], 10_000);
    assert.notEqual(second.versionInfo, first!.versionInfo);
    assert.deepEqual(endpointPortsOf(second).sort(), [7001, 7002]);

    const seen = await waitFor('the second NACK in the overview', async () => {
      const s = await subscriptionOf(cp, 'nacker-1');
      return s?.subscription.status.eds?.lastNack?.version === second.versionInfo ? s : undefined;
    });
    assert.equal(seen.subscription.status.eds.lastNack.error, rejection(second));
    assert.equal(seen.subscription.status.eds.responsesRejected, '2');
    await sleep(QUIET_MS);
    assert.equal(
      nacker!.ofType(TypeUrl.ClusterLoadAssignment).length,
      2,
      'the second rejected version is not resent either',
    );
    assert.equal(nacker!.failure(), undefined, 'the stream stayed up throughout');
  });
});
