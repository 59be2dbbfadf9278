import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKogumaError } from '../api/errors.js';
import { createStore } from '../store/index.js';
import {
  formatRevocations,
  parseRevocations,
  readRevocations,
  revocationsSecretName,
  revokeToken,
  storedRevocations,
} from './revocations.js';

const memoryStore = () => createStore({ type: 'memory' });
const secretKey = { kind: 'Secret', mesh: 'default', name: 'dataplane-token-revocations-default' };

test("the list is Kuma's format: base64 of comma-separated token ids", () => {
  assert.equal(formatRevocations(['id-1', 'id-2']), Buffer.from('id-1,id-2').toString('base64'));
  assert.deepEqual(parseRevocations(Buffer.from('id-1,id-2').toString('base64')), new Set(['id-1', 'id-2']));
  assert.deepEqual(parseRevocations(''), new Set());
});

test('a hand-edited list with spaces, newlines and empty entries still parses', () => {
  const edited = Buffer.from(' id-1 ,\nid-2,,\n').toString('base64');
  assert.deepEqual(parseRevocations(edited), new Set(['id-1', 'id-2']));
});

test('a mesh with no revocation Secret has no revoked tokens', async () => {
  assert.deepEqual(await readRevocations(await memoryStore(), 'default'), new Set());
});

test('the first revocation creates the Secret in the mesh; later ones update it', async () => {
  const store = await memoryStore();
  await revokeToken(store, 'default', 'id-1');
  assert.equal(revocationsSecretName('default'), secretKey.name);
  const created = await store.get(secretKey);
  assert.equal(Buffer.from(String(created?.spec['data']), 'base64').toString(), 'id-1');
  await revokeToken(store, 'default', 'id-2');
  assert.deepEqual(await readRevocations(store, 'default'), new Set(['id-1', 'id-2']));
  assert.equal((await store.get(secretKey))?.version, 2);
});

test('revoking an already revoked token writes nothing', async () => {
  const store = await memoryStore();
  await revokeToken(store, 'default', 'id-1');
  await revokeToken(store, 'default', 'id-1');
  assert.equal((await store.get(secretKey))?.version, 1);
});

test('concurrent revocations are all kept: a writer that lost the race retries on the fresh list', async () => {
  const store = await memoryStore();
  const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
  await Promise.all(ids.map((id) => revokeToken(store, 'default', id)));
  assert.deepEqual(await readRevocations(store, 'default'), new Set(ids));
});

test('a revocation added by hand to the Secret is honoured and kept by later revocations', async () => {
  const store = await memoryStore();
  await store.create({
    ...secretKey,
    labels: { owner: 'ops' },
    spec: { data: Buffer.from('by-hand').toString('base64') },
  });
  await revokeToken(store, 'default', 'id-1');
  const secret = await store.get(secretKey);
  assert.deepEqual(parseRevocations(String(secret?.spec['data'])), new Set(['by-hand', 'id-1']));
  assert.deepEqual(secret?.labels, { owner: 'ops' }, 'labels the operator set survive');
});

test('revocations are per mesh', async () => {
  const store = await memoryStore();
  await revokeToken(store, 'a', 'id-1');
  const isRevoked = storedRevocations(store);
  assert.equal(await isRevoked('a', 'id-1'), true);
  assert.equal(await isRevoked('b', 'id-1'), false);
  assert.equal(await isRevoked('a', 'id-2'), false);
});

test('an id that would corrupt the list (empty or with a comma) is refused', async () => {
  const store = await memoryStore();
  for (const id of ['', '  ', 'a,b']) {
    await assert.rejects(revokeToken(store, 'default', id), (error) => isKogumaError(error, 'InvalidInput'));
  }
  assert.equal(await store.get(secretKey), undefined);
});
