import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataplane, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
before(async () => {
  api = await startTestApi();
});
after(() => api.close());

const put = (url: string, payload: unknown) => api.app.inject({ method: 'PUT', url, payload: payload as object });
const get = (url: string) => api.app.inject({ method: 'GET', url });

describe('meshes', () => {
  test('the default mesh and its default policies exist after first start', async () => {
    const meshes = (await get('/meshes')).json();
    assert.deepEqual(
      meshes.items.map((m: { name: string }) => m.name),
      ['default'],
    );
    for (const [plural, name] of [
      ['meshtimeouts', 'mesh-timeout-all-default'],
      ['meshcircuitbreakers', 'mesh-circuit-breaker-all-default'],
      ['meshretries', 'mesh-retry-all-default'],
    ]) {
      const response = await get(`/meshes/default/${plural}/${name}`);
      assert.equal(response.statusCode, 200, `${plural}/${name}`);
      assert.equal(response.json().spec.targetRef.kind, 'Mesh');
    }
  });

  test('PUT creates with 201, replaces with 200, and GET shows the flat document with server times', async () => {
    const mesh = {
      type: 'Mesh',
      name: 'payments',
      mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] },
    };
    const created = await put('/meshes/payments', mesh);
    assert.equal(created.statusCode, 201);
    assert.deepEqual(created.json(), {});
    assert.equal((await put('/meshes/payments', mesh)).statusCode, 200);

    const body = (await get('/meshes/payments')).json();
    assert.equal(body.type, 'Mesh');
    assert.equal(body.name, 'payments');
    assert.deepEqual(body.mtls, mesh.mtls);
    assert.ok(!Number.isNaN(Date.parse(body.creationTime)));
    assert.ok(!Number.isNaN(Date.parse(body.modificationTime)));
    assert.equal(body.mesh, undefined, 'a global kind has no mesh field');
  });

  test('a mesh created with skipCreatingInitialPolicies ["*"] has no policies', async () => {
    assert.equal(
      (await put('/meshes/bare', { type: 'Mesh', name: 'bare', skipCreatingInitialPolicies: ['*'] })).statusCode,
      201,
    );
    assert.equal((await get('/meshes/bare/meshtimeouts')).json().total, 0);
    assert.equal((await get('/meshes/bare/meshretries')).json().total, 0);
  });

  test('a mesh skipping only MeshRetry gets the other defaults', async () => {
    await put('/meshes/partial', { type: 'Mesh', name: 'partial', skipCreatingInitialPolicies: ['MeshRetry'] });
    assert.equal((await get('/meshes/partial/meshretries')).json().total, 0);
    assert.equal((await get('/meshes/partial/meshtimeouts')).json().total, 1);
  });

  test('deleting a mesh deletes every resource in it and nothing elsewhere', async () => {
    await put('/meshes/doomed', { type: 'Mesh', name: 'doomed' });
    await put('/meshes/doomed/dataplanes/dp-1', dataplane('doomed', 'dp-1', 'web'));
    await put('/meshes/default/dataplanes/keeper', dataplane('default', 'keeper', 'web'));
    const deleted = await api.app.inject({ method: 'DELETE', url: '/meshes/doomed' });
    assert.equal(deleted.statusCode, 200);
    assert.equal((await get('/meshes/doomed')).statusCode, 404);
    const remaining = (await get('/dataplanes'))
      .json()
      .items.map((d: { mesh: string; name: string }) => `${d.mesh}/${d.name}`);
    assert.ok(remaining.includes('default/keeper'));
    assert.ok(!remaining.some((n: string) => n.startsWith('doomed/')));
    assert.equal(
      (await get('/meshtimeouts')).json().items.filter((p: { mesh: string }) => p.mesh === 'doomed').length,
      0,
    );
  });
});

describe('mesh-scoped resources', () => {
  test('a policy is stored enveloped and read back with server fields', async () => {
    const policy = {
      type: 'MeshTimeout',
      mesh: 'default',
      name: 'web-timeouts',
      labels: { team: 'web' },
      spec: {
        targetRef: { kind: 'MeshService', name: 'web' },
        to: [{ targetRef: { kind: 'Mesh' }, default: { http: { requestTimeout: '3s' } } }],
      },
    };
    assert.equal((await put('/meshes/default/meshtimeouts/web-timeouts', policy)).statusCode, 201);
    const body = (await get('/meshes/default/meshtimeouts/web-timeouts')).json();
    const { creationTime, modificationTime, ...rest } = body;
    assert.deepEqual(rest, {
      ...policy,
      // What Kuma computes on write, and the identifier it gives every policy.
      labels: {
        team: 'web',
        'kuma.io/env': 'universal',
        'kuma.io/mesh': 'default',
        'kuma.io/origin': 'zone',
        'kuma.io/zone': 'default',
      },
      kri: 'kri_mt_default_default__web-timeouts_',
    });
    assert.equal(typeof creationTime, 'string');
    assert.equal(typeof modificationTime, 'string');
  });

  test('a read document can be applied again unchanged (server-set fields are accepted and ignored)', async () => {
    await put('/meshes/default/dataplanes/roundtrip', dataplane('default', 'roundtrip', 'web'));
    const read = (await get('/meshes/default/dataplanes/roundtrip')).json();
    const again = await put('/meshes/default/dataplanes/roundtrip', { ...read, creationTime: '2001-01-01T00:00:00Z' });
    assert.equal(again.statusCode, 200);
    assert.equal((await get('/meshes/default/dataplanes/roundtrip')).json().creationTime, read.creationTime);
  });

  test('replacing a resource keeps the status the control plane set', async () => {
    const service = { type: 'MeshService', mesh: 'default', name: 'web', spec: { ports: [{ port: 80 }] } };
    await put('/meshes/default/meshservices/web', service);
    const stored = await api.store.get({ kind: 'MeshService', mesh: 'default', name: 'web' });
    await api.store.update({ ...stored!, status: { vips: [{ ip: '241.0.0.1' }] } }, stored!.version);
    const replaced = await put('/meshes/default/meshservices/web', {
      ...service,
      spec: { ports: [{ port: 8080 }] },
      status: { vips: [] },
    });
    assert.equal(replaced.statusCode, 200);
    const body = (await get('/meshes/default/meshservices/web')).json();
    // Kuma's schema defaults are filled in on write.
    assert.deepEqual(body.spec, { ports: [{ port: 8080, appProtocol: 'tcp' }], state: 'Unavailable' });
    assert.deepEqual(body.status, { vips: [{ ip: '241.0.0.1' }] });
  });

  test('DELETE removes the resource and a second DELETE is 404', async () => {
    await put('/meshes/default/dataplanes/gone', dataplane('default', 'gone', 'web'));
    assert.equal((await api.app.inject({ method: 'DELETE', url: '/meshes/default/dataplanes/gone' })).statusCode, 200);
    const again = await api.app.inject({ method: 'DELETE', url: '/meshes/default/dataplanes/gone' });
    assert.equal(again.statusCode, 404);
    assert.deepEqual(again.json(), {
      type: '/std-errors',
      status: 404,
      title: 'Could not delete a resource',
      detail: 'Not found',
      details: 'Not found',
    });
  });

  test('concurrent replacements of one resource each answer 200 or 409, never fail otherwise', async () => {
    await put('/meshes/default/dataplanes/contended', dataplane('default', 'contended', 'web'));
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        put('/meshes/default/dataplanes/contended', dataplane('default', 'contended', 'web', { version: `v${i}` })),
      ),
    );
    const statuses = responses.map((r) => r.statusCode);
    assert.ok(
      statuses.every((s) => s === 200 || s === 409),
      `statuses: ${statuses.join(',')}`,
    );
    assert.ok(statuses.includes(200));
    for (const conflict of responses.filter((r) => r.statusCode === 409))
      assert.equal(conflict.json().title, 'Conflict');
  });
});
