/**
 * Policy inspection holds no key material: anyone may read it, as any other
 * read, while `_config` beside it stays for administrators.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataplane, startTestApi, type TestApi } from '../support/api.js';

const REMOTE = '203.0.113.7';

let api: TestApi;
before(async () => {
  api = await startTestApi({
    inspection: {
      status: { get: () => undefined },
      snapshots: { get: () => undefined },
      // No engine here: a known dataplane with no policy selecting it.
      policies: {
        contextOf: () => undefined,
        gatewayContextOf: () => undefined,
        dataplanesOf: () => ['web-1'],
        warningsOf: () => ['MeshTimeout: example warning'],
      },
    },
  });
  const created = await api.app.inject({
    method: 'PUT',
    url: '/meshes/default/dataplanes/web-1',
    payload: dataplane('default', 'web-1', 'web'),
  });
  assert.ok(created.statusCode < 300, created.body);
});
after(() => api.close());

const anonymous = (url: string) => api.app.inject({ method: 'GET', url, remoteAddress: REMOTE });

test('an anonymous client from another host reads _rules and _resources/dataplanes, not _config', async () => {
  const kuma = await anonymous('/meshes/default/dataplanes/web-1/_rules');
  assert.equal(kuma.statusCode, 200);
  assert.deepEqual(kuma.json(), {
    httpMatches: [],
    resource: {
      labels: {
        'kuma.io/env': 'universal',
        'kuma.io/mesh': 'default',
        'kuma.io/origin': 'zone',
        'kuma.io/proxy-type': 'sidecar',
        'kuma.io/zone': 'default',
      },
      mesh: 'default',
      name: 'web-1',
      type: 'Dataplane',
    },
    rules: [],
  });
  const rules = await anonymous('/meshes/default/dataplanes/web-1/_rules?format=koguma');
  assert.equal(rules.statusCode, 200);
  assert.deepEqual(rules.json(), {
    mesh: 'default',
    name: 'web-1',
    policies: [],
    warnings: ['MeshTimeout: example warning'],
  });
  const selected = await anonymous('/meshes/default/meshtimeouts/mesh-timeout-all-default/_resources/dataplanes');
  assert.equal(selected.statusCode, 200);
  assert.deepEqual(selected.json(), { total: 0, items: [] });
  assert.equal((await anonymous('/meshes/default/dataplanes/web-1/_config')).statusCode, 403);
});
