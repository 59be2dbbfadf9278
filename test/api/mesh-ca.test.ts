/**
 * A Mesh naming a provided CA is checked when it is applied: a certificate
 * that is not a CA, has expired, or does not match its key is refused with the
 * field and the reason, and nothing is stored.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateRootCa } from '../../src/mtls/index.js';
import { makeCertificate } from '../../src/mtls/testing.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
before(async () => {
  api = await startTestApi();
});
after(() => api.close());

const meshWith = (cert: string, key: string) => ({
  type: 'Mesh',
  name: 'payments',
  mtls: {
    enabledBackend: 'ext',
    backends: [{ name: 'ext', type: 'provided', conf: { cert: { inlineString: cert }, key: { inlineString: key } } }],
  },
});

const put = (body: unknown) => api.app.inject({ method: 'PUT', url: '/meshes/payments', payload: body as object });

test('a provided certificate that is not a CA is refused, naming the field, and no mesh is stored', async () => {
  const leaf = await makeCertificate({ name: 'not-a-ca', ca: false });
  const response = await put(meshWith(leaf.certPem, leaf.keyPem));
  assert.equal(response.statusCode, 400, response.body);
  const body = response.json();
  assert.ok(
    body.invalid_parameters.some((p: { field: string }) => p.field === 'mtls.backends[0].conf.cert'),
    response.body,
  );
  assert.equal((await api.app.inject({ method: 'GET', url: '/meshes/payments' })).statusCode, 404);
});

test('an expired CA and a key of another CA are refused', async () => {
  const expired = await makeCertificate({
    name: 'old-ca',
    notBefore: new Date(Date.now() - 2 * 86_400_000),
    notAfter: new Date(Date.now() - 86_400_000),
  });
  const expiredResponse = await put(meshWith(expired.certPem, expired.keyPem));
  assert.equal(expiredResponse.statusCode, 400);
  assert.match(expiredResponse.body, /mtls\.backends\[0\]\.conf\.cert/);

  const [a, b] = await Promise.all([
    generateRootCa({ mesh: 'payments', backend: 'a', lifetimeMs: 86_400_000 }),
    generateRootCa({ mesh: 'payments', backend: 'b', lifetimeMs: 86_400_000 }),
  ]);
  const mismatched = await put(meshWith(a.certPem, b.keyPem));
  assert.equal(mismatched.statusCode, 400);
  assert.match(mismatched.body, /mtls\.backends\[0\]\.conf\.key/);
});

test('a valid provided CA is accepted, and a secret data source that does not exist is refused', async () => {
  const ca = await generateRootCa({ mesh: 'payments', backend: 'ext', lifetimeMs: 86_400_000 });
  assert.equal((await put(meshWith(ca.certPem, ca.keyPem))).statusCode, 201);
  const missing = await put({
    type: 'Mesh',
    name: 'payments',
    mtls: {
      enabledBackend: 'ext',
      backends: [{ name: 'ext', type: 'provided', conf: { cert: { secret: 'nope' }, key: { secret: 'nope' } } }],
    },
  });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.body, /mtls\.backends\[0\]\.conf\.cert\.secret/);
});

test('a builtin backend needs a name its Secrets can carry', async () => {
  const response = await api.app.inject({
    method: 'PUT',
    url: '/meshes/other',
    payload: {
      type: 'Mesh',
      name: 'other',
      mtls: { enabledBackend: 'CA_1', backends: [{ name: 'CA_1', type: 'builtin' }] },
    },
  });
  assert.equal(response.statusCode, 400);
  assert.match(response.body, /mtls\.backends\[0\]\.name/);
});
