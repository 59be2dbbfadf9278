import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKogumaError } from '../api/errors.js';
import { createStore, type ResourceStore } from '../store/index.js';
import { issueDataplaneToken, verifyDataplaneToken } from './dataplane-token.js';
import { generateSigningKeyPem } from './signing-key.js';
import { issuingSigningKey, loadMeshSigningKeys, signingKeySerial } from './signing-key-set.js';
import { signingKeyDrafts } from './signing-keys.js';

const keySecret = (mesh: string, name: string, pem = generateSigningKeyPem()) => ({
  kind: 'Secret',
  mesh,
  name,
  labels: {},
  spec: { data: Buffer.from(pem).toString('base64') },
});

async function meshWithKey(mesh = 'default'): Promise<ResourceStore> {
  const store = await createStore({ type: 'memory' });
  await store.createAll([{ kind: 'Mesh', mesh: '', name: mesh, labels: {}, spec: {} }, ...signingKeyDrafts(mesh)]);
  return store;
}

test('serials: the key made with the mesh is 0, an operator-added "-N" is N, anything else is not a key', () => {
  assert.equal(signingKeySerial('default', 'dataplane-token-signing-key-default'), 0);
  assert.equal(signingKeySerial('default', 'dataplane-token-signing-key-default-2'), 2);
  assert.equal(signingKeySerial('default', 'dataplane-token-signing-key-default-02'), undefined);
  assert.equal(signingKeySerial('default', 'dataplane-token-signing-key-default-x'), undefined);
  assert.equal(signingKeySerial('default', 'dataplane-token-revocations-default'), undefined);
  // Inside mesh "a", "...-a-2" is a's key of serial 2, never the key of a mesh named "a-2".
  assert.equal(signingKeySerial('a', 'dataplane-token-signing-key-a-2'), 2);
  assert.equal(signingKeySerial('a-2', 'dataplane-token-signing-key-a-2'), 0);
});

test('every key of the mesh is loaded, newest first', async () => {
  const store = await meshWithKey();
  await store.create(keySecret('default', 'dataplane-token-signing-key-default-3'));
  await store.create(keySecret('default', 'dataplane-token-signing-key-default-2'));
  await store.create(keySecret('default', 'unrelated-dataplane-token-signing-key-default'));
  const { keys, unreadable } = await loadMeshSigningKeys(store, 'default');
  assert.deepEqual(
    keys.map((key) => key.serial),
    [3, 2, 0],
  );
  assert.deepEqual(unreadable, []);
});

test('new tokens are signed with the newest key; tokens of an older key still verify while it exists', async () => {
  const store = await meshWithKey();
  const old = await issuingSigningKey(store, 'default');
  const oldToken = await issueDataplaneToken(old, { mesh: 'default', validForMs: 60_000 });
  await store.create(keySecret('default', 'dataplane-token-signing-key-default-1'));
  const newest = await issuingSigningKey(store, 'default');
  assert.notEqual(newest.kid, old.kid);
  const { keys } = await loadMeshSigningKeys(store, 'default');
  const verifier = { keyFor: (_: string, kid: string) => keys.find((key) => key.kid === kid), isRevoked: () => false };
  assert.equal((await verifyDataplaneToken(oldToken, verifier)).mesh, 'default');
});

test('the newest key being unreadable stops issuing, naming the Secret, instead of signing with an older key', async () => {
  const store = await meshWithKey();
  await store.create({
    ...keySecret('default', 'dataplane-token-signing-key-default-5'),
    spec: { data: Buffer.from('not a key').toString('base64') },
  });
  const { keys, unreadable } = await loadMeshSigningKeys(store, 'default');
  assert.deepEqual(
    keys.map((key) => key.serial),
    [0],
  );
  assert.equal(unreadable[0]?.secretName, 'dataplane-token-signing-key-default-5');
  await assert.rejects(
    issuingSigningKey(store, 'default'),
    (error: unknown) => isKogumaError(error, 'Internal') && /dataplane-token-signing-key-default-5/.test(error.message),
  );
});

test('a mesh created before keys came with meshes gets its first key when a token is first issued', async () => {
  const store = await createStore({ type: 'memory' });
  await store.create({ kind: 'Mesh', mesh: '', name: 'legacy', labels: {}, spec: {} });
  assert.deepEqual((await loadMeshSigningKeys(store, 'legacy')).keys, []);
  const key = await issuingSigningKey(store, 'legacy');
  assert.equal((await loadMeshSigningKeys(store, 'legacy')).keys[0]?.kid, key.kid);
});
