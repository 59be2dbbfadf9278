/**
 * MeshProxyPatch with real Envoy sidecars under `koguma dp run`, and what a
 * patch Envoy rejects does: two client sidecars (pp-client, which the patches
 * select, and pp-other, which they do not) call `pp-web` and `pp-api` behind
 * one backend sidecar. The mesh has no default policies.
 *
 *   test ──► pp-client Envoy ──┬─► backend Envoy ──► pp-web-1 | pp-api-1
 *   test ──► pp-other Envoy  ──┘
 *
 * The rejected patch is valid to Koguma (every field checks out against
 * Envoy's protoc-gen-validate rules) but not to Envoy: a ring hash whose
 * minimum ring size is above its maximum, a rule Envoy checks only when it
 * builds the cluster. So the proxy NACKs it, keeps its last good
 * configuration, and the control plane shows the NACK and does not send the
 * version again.
 *
 * The cluster patch of the last case is left in place: a changed cluster
 * takes Envoy's 15 s initial fetch timeout to warm today (the control plane
 * does not send the cluster's unchanged endpoints again).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dumpedCluster, envoyStat, waitForEnvoySettled } from '../support/envoy-admin.js';
import { envoyTestOptions } from '../support/envoy.js';
import { applyPolicy, createBareMesh, putPolicy, removePolicy } from '../support/envoy-policies.js';
import { closeScriptedApps, startScriptedApp } from '../support/envoy-scripted-app.js';
import type { Sidecar } from '../support/envoy-sidecar.js';
import { outboundPort, startBackendSidecar, startClientSidecar } from '../support/envoy-topology.js';
import { countBy, sendRequests, type Reply } from '../support/envoy-traffic.js';
import { startKoguma } from '../support/proxyless-processes.js';
import { api, cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const MESH = 'patches';

let cp: ControlPlaneProcess;
let client: Sidecar;
let other: Sidecar;

/** Only pp-client implements service pp-client, so only its proxy is patched. */
const patchOfClient = (modifications: unknown[]) => ({
  targetRef: { kind: 'MeshService', name: 'pp-client' },
  default: { appendModifications: modifications },
});

const ringPatch = (minimumRingSize: number, maximumRingSize: number) =>
  patchOfClient([
    {
      cluster: {
        match: { name: 'pp-api' },
        operation: 'Patch',
        value: `lbPolicy: RING_HASH\nringHashLbConfig: { minimumRingSize: ${minimumRingSize}, maximumRingSize: ${maximumRingSize} }\n`,
      },
    },
  ]);

/** A dataplane's first subscription as `GET /meshes/{mesh}/dataplanes/_overview` lists it. */
async function listedSubscription(name: string): Promise<any> {
  const { status, body } = await api(cp, 'GET', `/meshes/${MESH}/dataplanes/_overview?size=100`);
  assert.equal(status, 200);
  return body.items.find((item: any) => item.name === name)?.dataplaneInsight.subscriptions[0];
}

const nacksOf = (subscription: any): string[] =>
  Object.entries(subscription.status as Record<string, any>).flatMap(([type, status]) =>
    status.lastNack === undefined ? [] : [`${type}: ${status.lastNack.error}`],
  );

/** `koguma inspect dataplane NAME --type overview -o json`: its output, and how long it ran. */
async function inspectOverview(name: string): Promise<{ output: any; ms: number }> {
  const started = performance.now();
  const proc = startKoguma('inspect', [
    '--api-url',
    cp.apiUrl,
    'inspect',
    'dataplane',
    name,
    '-m',
    MESH,
    '--type',
    'overview',
    '-o',
    'json',
  ]);
  const timer = setTimeout(() => void proc.stop('SIGKILL'), 20_000);
  const code = await proc.exited;
  clearTimeout(timer);
  assert.equal(code, 0, proc.stderr());
  return { output: JSON.parse(proc.lines.join('\n')), ms: performance.now() - started };
}

describe(
  'MeshProxyPatch through real Envoy sidecars, and a patch Envoy rejects',
  { ...envoyTestOptions(), timeout: 150_000 },
  () => {
    before(async () => {
      cp = await startControlPlane();
      await createBareMesh(cp, MESH);
      const web = await startScriptedApp('pp-web-1');
      const apiApp = await startScriptedApp('pp-api-1');
      const backend = await startBackendSidecar(cp, MESH, 'pp-backend', [
        { service: 'pp-web', servicePort: web.port },
        { service: 'pp-api', servicePort: apiApp.port },
      ]);
      [client, other] = await Promise.all([
        startClientSidecar(cp, MESH, 'pp-client', { calls: ['pp-web', 'pp-api'], backends: [backend] }),
        startClientSidecar(cp, MESH, 'pp-other', { calls: ['pp-web', 'pp-api'], backends: [backend] }),
      ]);
    });
    after(async () => {
      await cleanUp();
      await closeScriptedApps();
    });

    test('a virtual host patch adds a response header the caller sees; other proxies are untouched, and removing the patch removes it', async (t) => {
      const tookMs = await applyPolicy(
        cp,
        [client],
        'MeshProxyPatch',
        'patch-web',
        patchOfClient([
          {
            virtualHost: {
              match: { routeConfigurationName: 'outbound:pp-web' },
              operation: 'Patch',
              value: 'responseHeadersToAdd: [ { header: { key: x-patched, value: by-mesh-proxy-patch } } ]\n',
            },
          },
        ]),
      );
      const header = (r: Reply) => `${r.app} ${r.status} ${r.headers['x-patched']}`;
      assert.deepEqual(countBy(await sendRequests(outboundPort(client, 'pp-web'), 20), header), {
        'pp-web-1 200 by-mesh-proxy-patch': 20,
      });
      assert.deepEqual(countBy(await sendRequests(outboundPort(other, 'pp-web'), 20), header), {
        'pp-web-1 200 undefined': 20,
      });
      t.diagnostic(
        `20/20 replies through pp-client carry x-patched, 0/20 through pp-other; ${(tookMs / 1000).toFixed(1)} s from PUT to Envoy`,
      );

      await removePolicy(cp, [client], 'MeshProxyPatch', 'patch-web');
      assert.deepEqual(countBy(await sendRequests(outboundPort(client, 'pp-web'), 20), header), {
        'pp-web-1 200 undefined': 20,
      });
    });

    test('a patch Envoy rejects: the NACK text shows in the overview and `koguma inspect`, the version is not resent, traffic keeps the last good config, other proxies are unaffected', async (t) => {
      const rejectedBefore = await envoyStat(client, 'cluster_manager.cds.update_rejected');
      const before = await listedSubscription('pp-client');

      await putPolicy(cp, MESH, 'MeshProxyPatch', 'ring-api', ringPatch(100_000, 10));
      const putAt = performance.now();
      const nacked = await waitFor(
        'the NACK of pp-client in GET /dataplanes/_overview',
        async () => {
          const subscription = await listedSubscription('pp-client');
          return subscription?.status.cds?.lastNack !== undefined ? subscription : undefined;
        },
        30_000,
      );
      const overviewMs = performance.now() - putAt;
      const error: string = nacked.status.cds.lastNack.error;
      assert.match(error, /minimum_ring_size \(100000\) > maximum_ring_size \(10\)/, "Envoy's own words");
      assert.equal(
        nacked.status.cds.lastNack.version,
        nacked.status.cds.sentVersion,
        'the version sent is the one rejected',
      );
      assert.notEqual(nacked.status.cds.ackedVersion, nacked.status.cds.sentVersion);

      const inspected = await inspectOverview('pp-client');
      const inspectMs = performance.now() - putAt;
      assert.equal(
        inspected.output.dataplaneInsight.subscriptions[0].status.cds.lastNack.error,
        error,
        'koguma inspect shows the same text',
      );
      assert.equal(
        await envoyStat(client, 'cluster_manager.cds.update_rejected'),
        rejectedBefore + 1,
        'Envoy counted one rejection',
      );

      // Nothing can be awaited for "nothing more is sent": watch a quiet period, many debounce windows long.
      const attempts = await envoyStat(client, 'cluster_manager.cds.update_attempt');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      assert.equal(
        await envoyStat(client, 'cluster_manager.cds.update_attempt'),
        attempts,
        'no CDS response reached Envoy after the rejected one',
      );
      assert.equal(await envoyStat(client, 'cluster_manager.cds.update_rejected'), rejectedBefore + 1);
      const quiet = await listedSubscription('pp-client');
      assert.equal(
        quiet.status.cds.responsesSent,
        nacked.status.cds.responsesSent,
        'the control plane sent no CDS response since',
      );
      assert.equal(
        Number(quiet.status.cds.responsesSent),
        Number(before.status.cds.responsesSent) + 1,
        'the rejected version was sent once',
      );
      assert.equal(quiet.status.cds.responsesRejected, '1');

      assert.deepEqual(
        countBy(await sendRequests(outboundPort(client, 'pp-api'), 20), (r) => `${r.app} ${r.status}`),
        { 'pp-api-1 200': 20 },
        'pp-client keeps its last good configuration',
      );
      assert.equal((await dumpedCluster(client, 'pp-api'))?.lb_policy, undefined, 'still round robin');
      assert.deepEqual(
        countBy(await sendRequests(outboundPort(other, 'pp-api'), 20), (r) => `${r.app} ${r.status}`),
        { 'pp-api-1 200': 20 },
        'pp-other is served',
      );
      const otherSubscription = await listedSubscription('pp-other');
      assert.deepEqual(nacksOf(otherSubscription), [], 'pp-other rejected nothing');
      // Kuma's insight JSON leaves a zero counter out.
      assert.equal(otherSubscription.status.total.responsesRejected, undefined);
      t.diagnostic(
        `NACK "${error}": in GET /dataplanes/_overview ${overviewMs.toFixed(0)} ms after the PUT (polled every 50 ms), ` +
          `in koguma inspect ${inspectMs.toFixed(0)} ms after it (the CLI itself ran ${inspected.ms.toFixed(0)} ms); not resent over 2 s`,
      );
    });

    test('fixing the patch recovers: Envoy accepts the next version and traffic uses it', async (t) => {
      const acceptedBefore = await envoyStat(client, 'cluster_manager.cds.update_success');
      const rejected = (await listedSubscription('pp-client')).status.cds.lastNack.version;
      await putPolicy(cp, MESH, 'MeshProxyPatch', 'ring-api', ringPatch(1024, 8192));
      const putAt = performance.now();
      // The wait of applyPolicy fails on a NACK of the version served, which the old one still is for a moment.
      const subscription = await waitFor(
        'pp-client to ACK a version after the rejected one',
        async () => {
          const cds = (await listedSubscription('pp-client')).status.cds;
          return cds.sentVersion !== rejected && cds.ackedVersion === cds.sentVersion ? { status: { cds } } : undefined;
        },
        40_000,
      );
      await waitForEnvoySettled(client, 40_000);
      const tookMs = performance.now() - putAt;
      assert.equal(
        subscription.status.cds.lastNack.version,
        rejected,
        'the NACK shown is of the older version, kept for the record',
      );
      assert.ok((await envoyStat(client, 'cluster_manager.cds.update_success')) > acceptedBefore);
      const cluster = await dumpedCluster(client, 'pp-api');
      assert.equal(cluster?.lb_policy, 'RING_HASH');
      assert.deepEqual(cluster?.ring_hash_lb_config, { minimum_ring_size: '1024', maximum_ring_size: '8192' });
      assert.deepEqual(
        countBy(await sendRequests(outboundPort(client, 'pp-api'), 20), (r) => `${r.app} ${r.status}`),
        { 'pp-api-1 200': 20 },
      );
      assert.deepEqual(
        countBy(await sendRequests(outboundPort(other, 'pp-api'), 20), (r) => `${r.app} ${r.status}`),
        { 'pp-api-1 200': 20 },
      );
      t.diagnostic(
        `the fixed patch reached Envoy ${(tookMs / 1000).toFixed(1)} s after the PUT, ACKed; 20/20 requests served with a ring hash`,
      );
    });
  },
);
