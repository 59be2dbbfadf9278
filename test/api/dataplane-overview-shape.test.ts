/**
 * The shape of Kuma's DataplaneOverview, through the API server: the
 * resource's labels and kri beside its name and times (where the GUI reads
 * `item.labels`), the Dataplane's spec alone under `dataplane`, and the
 * software a connected proxy reported in its node metadata, bounded, in its
 * subscription (`version`) and insight (`metadata.features`).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ProxyStatusRegistry } from '../../src/xds/server/index.js';
import { nodeFeaturesOf, nodeVersionOf } from '../../src/xds/index.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
const registry = new ProxyStatusRegistry('cp-1');
const get = async (url: string) => {
  const response = await api.app.inject({ method: 'GET', url });
  assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
  return response.json();
};

before(async () => {
  api = await startTestApi({ inspection: { status: registry, snapshots: { get: () => undefined } } });
  const response = await api.app.inject({
    method: 'PUT',
    url: '/meshes/default/dataplanes/web-1',
    payload: {
      type: 'Dataplane',
      mesh: 'default',
      name: 'web-1',
      labels: { team: 'payments' },
      networking: { address: '127.0.0.1', inbound: [{ port: 1234, tags: { 'kuma.io/service': 'web' } }] },
    },
  });
  assert.equal(response.statusCode, 201, response.body);
  // What a proxy wrote into its own node metadata, junk included.
  const metadata = {
    version: {
      kumaDp: { version: '0.1.0', gitCommit: 'x'.repeat(10_000) },
      envoy: { version: '1.38.3', build: 'abc/1.38.3/Clean', kumaDpCompatible: true },
    },
    features: ['feature-a', 'not a feature', ...Array.from({ length: 100 }, (_, i) => `feature-${i}`)],
  };
  const version = nodeVersionOf(metadata)!;
  const features = nodeFeaturesOf(metadata)!;
  registry.connected({
    streamId: 'delta-1',
    nodeId: 'default.web-1',
    protocol: 'delta',
    since: new Date('2026-01-01T00:00:00Z'),
    resumed: false,
    version,
    features,
  });
});
after(() => api.close());

for (const url of [
  '/meshes/default/dataplanes/web-1/_overview',
  '/meshes/default/dataplanes/_overview',
  '/dataplanes/_overview',
]) {
  test(`${url}: labels and kri sit at the top of the overview, the spec alone under dataplane`, async () => {
    const body = await get(url);
    const overview = 'items' in body ? body.items[0] : body;
    assert.deepEqual(Object.keys(overview).slice(0, 8), [
      'type',
      'mesh',
      'name',
      'creationTime',
      'modificationTime',
      'labels',
      'kri',
      'dataplane',
    ]);
    const resource = await get('/meshes/default/dataplanes/web-1');
    assert.equal(overview.labels.team, 'payments');
    assert.deepEqual(overview.labels, resource.labels);
    assert.match(overview.kri, /^kri_dp_default_.*_web-1_$/);
    assert.equal(overview.kri, resource.kri);
    assert.deepEqual(Object.keys(overview.dataplane), ['networking']);
  });
}

test("a connected proxy's reported software is in its subscription and insight, bounded", async () => {
  const { dataplaneInsight } = await get('/meshes/default/dataplanes/web-1/_overview');
  assert.deepEqual(dataplaneInsight.subscriptions.at(-1).version, {
    kumaDp: { version: '0.1.0', kumaCpCompatible: true },
    envoy: { version: '1.38.3', build: 'abc/1.38.3/Clean', kumaDpCompatible: true },
  });
  const { features } = dataplaneInsight.metadata;
  assert.equal(features.length, 32);
  assert.deepEqual(features.slice(0, 3), ['feature-a', 'feature-0', 'feature-1']);
});
