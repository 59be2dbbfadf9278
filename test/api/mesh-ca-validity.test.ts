/**
 * `GET /meshes/{mesh}/_ca`: the CA a mesh's proxies get their certificates
 * from, with its validity, so an operator (and the GUI's mesh page) sees when
 * it expires; a mesh without mTLS says so, a missing mesh is a 404.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { MeshSecurityRegistry } from '../../src/mtls/index.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
let security: MeshSecurityRegistry | undefined;

before(async () => {
  api = await startTestApi({
    inspection: {
      status: { get: () => undefined },
      snapshots: { get: () => undefined },
      meshCa: { stateOf: (mesh) => security!.stateOf(mesh) },
    },
  });
  security = new MeshSecurityRegistry({
    store: api.store,
    onChange: () => undefined,
    switchDelayMs: 60_000,
    logger: pino({ level: 'silent' }),
  });
});
after(async () => {
  security?.close();
  await api.close();
});

const get = async (url: string) => api.app.inject({ method: 'GET', url });

test('a mesh with a builtin CA shows its backend, mode and the root with its validity', async () => {
  const mesh = {
    type: 'Mesh',
    name: 'payments',
    mtls: {
      enabledBackend: 'ca-1',
      backends: [{ name: 'ca-1', type: 'builtin', mode: 'PERMISSIVE', conf: { caCert: { expiration: '2d' } } }],
    },
  };
  const put = await api.app.inject({ method: 'PUT', url: '/meshes/payments', payload: mesh });
  assert.ok(put.statusCode < 300, put.body);
  const before = Date.now();
  await security!.meshChanged('payments', true, mesh);

  const response = await get('/meshes/payments/_ca');
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json();
  assert.equal(body.mesh, 'payments');
  assert.equal(body.state, 'enabled');
  assert.equal(body.backend, 'ca-1');
  assert.equal(body.mode, 'PERMISSIVE');
  const notAfter = Date.parse(body.issuer.notAfter);
  const twoDays = 2 * 86_400_000;
  assert.ok(notAfter > before + twoDays - 120_000 && notAfter <= Date.now() + twoDays, body.issuer.notAfter);
  assert.ok(Date.parse(body.issuer.notBefore) <= Date.now());
  assert.match(body.issuer.fingerprint, /^[0-9a-f]{64}$/);
  assert.deepEqual(body.trusted, [body.issuer]);
  // Certificates only: nothing of the key, so a reader without a token may see it.
  assert.doesNotMatch(response.body, /PRIVATE KEY/);
  const anonymous = await api.app.inject({ method: 'GET', url: '/meshes/payments/_ca', remoteAddress: '203.0.113.7' });
  assert.equal(anonymous.statusCode, 200, anonymous.body);
  assert.deepEqual(anonymous.json(), body);
});

test('a mesh without mTLS is disabled; an unknown mesh is a 404', async () => {
  await security!.meshChanged('default', true, {});
  assert.deepEqual((await get('/meshes/default/_ca')).json(), { mesh: 'default', state: 'disabled' });
  const missing = await get('/meshes/nope/_ca');
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().title, 'Failed to retrieve Mesh');
});
