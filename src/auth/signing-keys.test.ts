import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKogumaError } from '../api/errors.js';
import { SecretKind } from '../api/kinds/secret.js';
import { schemaIssues } from '../api/validate.js';
import { createStore } from '../store/index.js';
import {
  ensureSigningKey,
  loadSigningKey,
  signingKeyDrafts,
  signingKeySecretName,
  storedSigningKeys,
} from './signing-keys.js';

const BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const memoryStore = () => createStore({ type: 'memory' });

test('the signing key is a Secret named after its mesh, in that mesh, holding a base64 PEM', () => {
  const [draft, ...rest] = signingKeyDrafts('payments');
  assert.equal(rest.length, 0);
  assert.equal(draft!.kind, 'Secret');
  assert.equal(draft!.mesh, 'payments');
  assert.equal(draft!.name, 'dataplane-token-signing-key-payments');
  const data = String(draft!.spec['data']);
  assert.match(data, BASE64, 'passes the Secret schema');
  assert.match(Buffer.from(data, 'base64').toString(), /^-----BEGIN PRIVATE KEY-----/);
  assert.deepEqual(Object.keys(draft!.spec), ['data']);
});

test('the signing key Secret is a valid Secret document, as a user could read and re-apply it', () => {
  const [draft] = signingKeyDrafts('payments-eu-1');
  const document = { type: 'Secret', mesh: draft!.mesh, name: draft!.name, ...draft!.spec };
  assert.deepEqual(schemaIssues(SecretKind, document), []);
});

test('mesh creation can store the key in its own transaction and load it back', async () => {
  const store = await memoryStore();
  const drafts = signingKeyDrafts('default');
  await store.createAll([{ kind: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} }, ...drafts]);
  const key = await loadSigningKey(store, 'default');
  assert.ok(key);
  assert.equal(
    (await ensureSigningKey(store, 'default')).kid,
    key.kid,
    'ensure keeps the key the mesh was created with',
  );
});

test('a mesh without a key has none to load', async () => {
  assert.equal(await loadSigningKey(await memoryStore(), 'default'), undefined);
});

test('ensureSigningKey creates the key once; later calls return the same key', async () => {
  const store = await memoryStore();
  const first = await ensureSigningKey(store, 'default');
  const second = await ensureSigningKey(store, 'default');
  assert.equal(first.kid, second.kid);
  const secret = await store.get({ kind: 'Secret', mesh: 'default', name: 'dataplane-token-signing-key-default' });
  assert.equal(secret?.version, 1, 'never rewritten');
});

test('two instances ensuring the key at once end up with one key', async () => {
  const store = await memoryStore();
  const keys = await Promise.all([
    ensureSigningKey(store, 'default'),
    ensureSigningKey(store, 'default'),
    ensureSigningKey(store, 'default'),
  ]);
  assert.equal(new Set(keys.map((key) => key.kid)).size, 1);
  const page = await store.list({ kind: 'Secret', mesh: 'default', offset: 0, limit: 10 });
  assert.equal(page.total, 1);
});

test('each mesh has its own key', async () => {
  const store = await memoryStore();
  const a = await ensureSigningKey(store, 'a');
  const b = await ensureSigningKey(store, 'b');
  assert.notEqual(a.kid, b.kid);
});

test('a mesh name too long for the Secret name rule is refused with a clear error', () => {
  const mesh = 'm'.repeat(226);
  assert.equal(signingKeySecretName('m'.repeat(225)).length, 253);
  assert.throws(
    () => signingKeyDrafts(mesh),
    (error) =>
      isKogumaError(error, 'InvalidInput') &&
      /cannot hold the secret "dataplane-token-signing-key-m+"/.test(error.message),
  );
});

test('storedSigningKeys finds the key by mesh and kid, and nothing for another kid or mesh', async () => {
  const store = await memoryStore();
  const key = await ensureSigningKey(store, 'default');
  const keyFor = storedSigningKeys(store);
  assert.equal((await keyFor('default', key.kid))?.kid, key.kid);
  assert.equal(await keyFor('default', 'some-other-kid'), undefined);
  assert.equal(await keyFor('other', key.kid), undefined);
});

test('storedSigningKeys notices a replaced key even when the Secret version starts over', async () => {
  const store = await memoryStore();
  const keyFor = storedSigningKeys(store);
  const old = await ensureSigningKey(store, 'default');
  assert.ok(await keyFor('default', old.kid));
  await store.delete({ kind: 'Secret', mesh: 'default', name: signingKeySecretName('default') });
  const fresh = await ensureSigningKey(store, 'default');
  assert.equal(await keyFor('default', old.kid), undefined, 'the old key no longer verifies');
  assert.equal((await keyFor('default', fresh.kid))?.kid, fresh.kid);
});
