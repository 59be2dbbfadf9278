import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KogumaError } from '../api/errors.js';
import { createStore, type ResourceStore } from '../store/index.js';
import { builtinCaSecretNames, DEFAULT_ROOT_LIFETIME_MS, ensureBuiltinCa, rootCaOptionsOf } from './ca-secrets.js';
import { loadCa } from './certificate-authority.js';
import { x509 } from './x509.js';

let store: ResourceStore;

before(async () => {
  store = await createStore({ type: 'memory' });
  await store.createAll(
    ['default', 'other', 'gone', 'half'].map((name) => ({ kind: 'Mesh', mesh: '', name, labels: {}, spec: {} })),
  );
});
after(() => store.close());

const secretsOf = async (mesh: string) =>
  (await store.list({ kind: 'Secret', mesh, offset: 0, limit: 100 })).items.map((secret) => secret.name);

test('Secret names follow Kuma and are valid resource names', () => {
  assert.deepEqual(builtinCaSecretNames('default', 'ca-1'), {
    cert: 'default.ca-builtin-cert-ca-1',
    key: 'default.ca-builtin-key-ca-1',
  });
  assert.throws(
    () => builtinCaSecretNames('default', 'CA_1'),
    (error: unknown) =>
      error instanceof KogumaError &&
      error.code === 'InvalidInput' &&
      /"default.ca-builtin-cert-CA_1" is not a valid Secret name/.test(error.message),
  );
});

test('two concurrent calls store exactly one CA and both get it', async () => {
  const [first, second] = await Promise.all([
    ensureBuiltinCa(store, 'default', 'ca-1'),
    ensureBuiltinCa(store, 'default', 'ca-1'),
  ]);
  assert.deepEqual(await secretsOf('default'), ['default.ca-builtin-cert-ca-1', 'default.ca-builtin-key-ca-1']);
  assert.equal(first?.certPem, second?.certPem);
  assert.equal(first?.keyPem, second?.keyPem);
  assert.deepEqual([first?.created, second?.created].sort(), [false, true]);

  const stored = await store.get({ kind: 'Secret', mesh: 'default', name: 'default.ca-builtin-cert-ca-1' });
  assert.equal(Buffer.from(String(stored?.spec['data']), 'base64').toString(), first?.certPem);
  const ca = await loadCa(first!.certPem, first!.keyPem);
  assert.equal(ca.certificate.subject, 'O=koguma, OU=ca-1, CN=default');
});

test('a later call returns the stored CA without generating one', async () => {
  const before = await ensureBuiltinCa(store, 'other', 'ca-1');
  const again = await ensureBuiltinCa(store, 'other', 'ca-1', { caCert: { RSAbits: 4096 } });
  assert.equal(again.created, false);
  assert.equal(again.certPem, before.certPem);
});

test('each backend of a mesh has its own CA', async () => {
  const a = await ensureBuiltinCa(store, 'other', 'ca-a');
  const b = await ensureBuiltinCa(store, 'other', 'ca-b');
  assert.notEqual(a.certPem, b.certPem);
});

test('the Secrets belong to the mesh: deleting the mesh deletes them', async () => {
  await ensureBuiltinCa(store, 'gone', 'ca-1');
  assert.equal((await secretsOf('gone')).length, 2);
  await store.delete({ kind: 'Mesh', mesh: '', name: 'gone' });
  assert.deepEqual(await secretsOf('gone'), []);
});

test('half a CA is reported, not silently replaced', async () => {
  await ensureBuiltinCa(store, 'half', 'ca-1');
  await store.delete({ kind: 'Secret', mesh: 'half', name: 'half.ca-builtin-key-ca-1' });
  await assert.rejects(
    ensureBuiltinCa(store, 'half', 'ca-1'),
    /Secret "half.ca-builtin-cert-ca-1" exists but "half.ca-builtin-key-ca-1" does not/,
  );
});

test('conf: ECDSA by default, RSA by size or by name, expiration as a duration', async () => {
  assert.deepEqual(rootCaOptionsOf('m', 'b', {}), { mesh: 'm', backend: 'b', lifetimeMs: DEFAULT_ROOT_LIFETIME_MS });
  assert.deepEqual(rootCaOptionsOf('m', 'b', { caCert: { RSAbits: 4096, expiration: '30d' } }), {
    mesh: 'm',
    backend: 'b',
    lifetimeMs: 30 * 86_400_000,
    rsaBits: 4096,
  });
  assert.deepEqual(rootCaOptionsOf('m', 'b', { caCert: { algorithm: 'RSA' } }), {
    mesh: 'm',
    backend: 'b',
    lifetimeMs: DEFAULT_ROOT_LIFETIME_MS,
    rsaBits: 2048,
  });
  assert.deepEqual(rootCaOptionsOf('m', 'b', { caCert: { algorithm: 'ECDSA', RSAbits: 4096 } }), {
    mesh: 'm',
    backend: 'b',
    lifetimeMs: DEFAULT_ROOT_LIFETIME_MS,
  });
});

test('the generated root honours the conf', async () => {
  const stored = await ensureBuiltinCa(
    store,
    'default',
    'rsa-backend',
    { caCert: { algorithm: 'RSA', expiration: '1d' } },
    { now: new Date('2030-01-01T00:00:00Z') },
  );
  const certificate = new x509.X509Certificate(stored.certPem);
  assert.equal(certificate.publicKey.algorithm.name, 'RSASSA-PKCS1-v1_5');
  assert.equal(certificate.notAfter.toISOString(), '2030-01-02T00:00:00.000Z');
});
