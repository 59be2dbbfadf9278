/**
 * The control plane's own metrics (`GET /metrics`), against a real `koguma cp
 * run` process: a raw ADS client (support/proxyless-ads.ts) registers as a
 * grpc-flavour dataplane in a mesh with builtin mTLS, ACKs clusters and NACKs
 * every ClusterLoadAssignment; REST calls are made; then the scrape says what
 * happened, in numbers:
 *
 *   connected proxies by type and instance, responses / ACKs / NACKs by type
 *   (equal to what the client saw), response-to-ACK times, config builds,
 *   store operations, REST requests by route pattern and status, certificates
 *   issued, change-to-ACK times, and the Node.js defaults (event-loop lag).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { startAdsClient, type AdsClient } from '../support/proxyless-ads.js';
import { parseSamples, sampleSum, type Sample } from '../support/prom-text.js';
import { api, cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const INSTANCE = 'metrics-cp-1';

let cp: ControlPlaneProcess;
let client: AdsClient | undefined;

const backendDataplane = {
  type: 'Dataplane',
  mesh: 'default',
  name: 'backend-a',
  networking: {
    address: '127.0.0.1',
    inbound: [{ port: 7001, tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'grpc' } }],
  },
};

const clientDataplane = {
  type: 'Dataplane',
  mesh: 'default',
  name: 'nacker-1',
  networking: {
    address: '127.0.0.1',
    inbound: [{ port: 40000, tags: { 'kuma.io/service': 'nacker', 'kuma.io/protocol': 'grpc' } }],
    outbound: [{ port: 10001, tags: { 'kuma.io/service': 'backend' } }],
  },
};

async function scrape(): Promise<{ contentType: string | null; samples: Sample[]; text: string }> {
  const response = await fetch(`${cp.apiUrl}/metrics`, { signal: AbortSignal.timeout(30_000) });
  assert.equal(response.status, 200);
  const text = await response.text();
  return { contentType: response.headers.get('content-type'), samples: parseSamples(text), text };
}

before(async () => {
  cp = await startControlPlane({ instanceId: INSTANCE });
  const mesh = await api(cp, 'PUT', '/meshes/default', {
    type: 'Mesh',
    name: 'default',
    mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] },
  });
  assert.equal(mesh.status, 200, JSON.stringify(mesh.body));
  assert.equal((await api(cp, 'PUT', '/meshes/default/dataplanes/backend-a', backendDataplane)).status, 201);
  assert.equal((await api(cp, 'GET', '/meshes/default/dataplanes/backend-a')).status, 200);
  assert.equal((await api(cp, 'GET', '/meshes/default/dataplanes/missing-1')).status, 404);
  assert.equal((await api(cp, 'GET', '/meshes/default/dataplanes/missing-2')).status, 404);
});

after(async () => {
  client?.close();
  await cleanUp();
});

describe('GET /metrics', () => {
  it('serves the text format, with help text for every koguma_ metric', async () => {
    const { contentType, text } = await scrape();
    assert.match(contentType ?? '', /^text\/plain; version=0\.0\.4/);
    const names = new Set([...text.matchAll(/^# TYPE (koguma_\w+) /gm)].map((m) => m[1]));
    for (const name of names) assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'), `${name} has help text`);
    assert.ok(names.has('koguma_xds_connected_proxies'));
    assert.ok(/^nodejs_eventloop_lag_seconds \d/m.test(text), 'the Node.js defaults, event-loop lag included');
  });

  it('counts the proxies connected, the responses sent, ACKed and NACKed by type', async () => {
    client = startAdsClient({
      xdsUrl: cp.xdsUrl,
      ca: await readFile(cp.caCertFile, 'utf8'),
      nodeId: 'default.nacker-1',
      dataplane: clientDataplane,
      subscribe: [{ typeUrl: TypeUrl.Cluster }, { typeUrl: TypeUrl.ClusterLoadAssignment, resourceNames: ['backend'] }],
      nack: TypeUrl.ClusterLoadAssignment,
      errorOf: () => 'endpoints fail validation',
    });
    // ACKs and NACKs reach the control plane after the client has the responses: wait until the scrape has them.
    const samples = await waitFor(
      () => `ACK and NACK counts (stream failure: ${String(client!.failure())})`,
      async () => {
        const cds = client!.ofType(TypeUrl.Cluster).length;
        const eds = client!.ofType(TypeUrl.ClusterLoadAssignment).length;
        if (cds === 0 || eds === 0) return undefined;
        const { samples } = await scrape();
        return sampleSum(samples, 'koguma_xds_acks_total', { type: 'cds' }) === cds &&
          sampleSum(samples, 'koguma_xds_nacks_total', { type: 'eds' }) === eds
          ? samples
          : undefined;
      },
    );
    const cds = client!.ofType(TypeUrl.Cluster).length;
    const eds = client!.ofType(TypeUrl.ClusterLoadAssignment).length;
    assert.equal(sampleSum(samples, 'koguma_xds_connected_proxies', { type: 'grpc', cp_instance: INSTANCE }), 1);
    assert.equal(sampleSum(samples, 'koguma_xds_connected_proxies', { type: 'envoy', cp_instance: INSTANCE }), 0);
    assert.equal(sampleSum(samples, 'koguma_xds_responses_sent_total', { type: 'cds' }), cds);
    assert.equal(sampleSum(samples, 'koguma_xds_responses_sent_total', { type: 'eds' }), eds);
    assert.equal(sampleSum(samples, 'koguma_xds_acks_total', { type: 'eds' }) ?? 0, 0, 'no endpoints ACKed');
    assert.equal(sampleSum(samples, 'koguma_xds_nacks_total', { type: 'cds' }) ?? 0, 0, 'no clusters NACKed');
    assert.equal(sampleSum(samples, 'koguma_xds_response_ack_seconds_count', { type: 'cds' }), cds);
    assert.ok((sampleSum(samples, 'koguma_xds_config_build_seconds_count') ?? 0) >= 1, 'the proxy was built');
    assert.ok(
      (sampleSum(samples, 'koguma_certificates_issued_total', { mesh: 'default' }) ?? 0) >= 1,
      'its workload certificate was issued',
    );
  });

  it('counts REST requests by route pattern and status, and times store operations', async () => {
    const { samples } = await scrape();
    const route = '/meshes/:mesh/:plural/:name';
    assert.equal(sampleSum(samples, 'koguma_api_requests_total', { method: 'PUT', route, status: '201' }), 1);
    assert.equal(sampleSum(samples, 'koguma_api_requests_total', { method: 'GET', route, status: '200' }), 1);
    assert.equal(sampleSum(samples, 'koguma_api_requests_total', { method: 'GET', route, status: '404' }), 2);
    assert.ok(
      samples.every((s) => s.name !== 'koguma_api_requests_total' || !s.labels['route']!.includes('missing')),
      'routes are patterns, never raw URLs',
    );
    assert.ok((sampleSum(samples, 'koguma_api_requests_total', { route: '/metrics', status: '200' }) ?? 0) >= 2);
    assert.ok((sampleSum(samples, 'koguma_store_operation_seconds_count', { operation: 'create' }) ?? 0) >= 1);
    assert.ok((sampleSum(samples, 'koguma_store_operation_seconds_count', { operation: 'get' }) ?? 0) >= 3);
    // The PUT of a new Dataplane reads it first (missing) then creates it; a conflict would count as an error.
    assert.equal(sampleSum(samples, 'koguma_store_operation_errors_total', { operation: 'create' }) ?? 0, 0);
  });

  it("times a change from the engine learning of it to the proxy's ACK of the clusters containing it", async () => {
    const before = sampleSum((await scrape()).samples, 'koguma_xds_change_to_ack_seconds_count', { type: 'cds' }) ?? 0;
    const cds = client!.ofType(TypeUrl.Cluster).length;
    // A new outbound service for the client: a new cluster in its CDS.
    const other = { ...backendDataplane, name: 'other-1' };
    other.networking = {
      ...backendDataplane.networking,
      inbound: [{ port: 7002, tags: { 'kuma.io/service': 'other', 'kuma.io/protocol': 'grpc' } }],
    };
    assert.equal((await api(cp, 'PUT', '/meshes/default/dataplanes/other-1', other)).status, 201);
    const changed = {
      ...clientDataplane,
      networking: {
        ...clientDataplane.networking,
        outbound: [...clientDataplane.networking.outbound, { port: 10002, tags: { 'kuma.io/service': 'other' } }],
      },
    };
    assert.equal((await api(cp, 'PUT', '/meshes/default/dataplanes/nacker-1', changed)).status, 200);
    await waitFor('the new clusters', () => (client!.ofType(TypeUrl.Cluster).length > cds ? true : undefined));
    const samples = await waitFor('the change-to-ACK time of the new clusters', async () => {
      const { samples } = await scrape();
      const count = sampleSum(samples, 'koguma_xds_change_to_ack_seconds_count', { type: 'cds' }) ?? 0;
      return count > before ? samples : undefined;
    });
    assert.ok((sampleSum(samples, 'koguma_xds_change_to_ack_seconds_sum', { type: 'cds' }) ?? -1) >= 0);
    assert.equal(sampleSum(samples, 'koguma_xds_change_to_ack_seconds_count', { type: 'eds' }) ?? 0, 0, 'NACKed');
  });

  it('drops the proxy from the gauge once its stream ends', async () => {
    client!.close();
    await waitFor('the proxy to disconnect', async () =>
      sampleSum((await scrape()).samples, 'koguma_xds_connected_proxies', { type: 'grpc', cp_instance: INSTANCE }) === 0
        ? true
        : undefined,
    );
  });
});
