import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { isKogumaError, KogumaError } from '../api/errors.js';
import { createStore, type ResourceStore } from '../store/index.js';
import { DataplaneAuthenticator } from './dataplane-authenticator.js';
import type { DataplaneRegistration } from './dataplane-authorization.js';
import { issueDataplaneToken, type DataplaneTokenRequest } from './dataplane-token.js';
import { revokeToken } from './revocations.js';
import { generateSigningKeyPem } from './signing-key.js';
import { issuingSigningKey } from './signing-key-set.js';
import { signingKeyDrafts, signingKeySecretName } from './signing-keys.js';

const HOUR = 3_600_000;
const web1: DataplaneRegistration = { mesh: 'default', name: 'web-1', inboundTags: [{ 'kuma.io/service': 'web' }] };

/** A memory store that counts reads and can be made to fail them. */
async function countingStore(): Promise<{
  store: ResourceStore;
  reads: () => number;
  failReads: (fail: boolean) => void;
}> {
  const inner = await createStore({ type: 'memory' });
  let reads = 0;
  let failing = false;
  const read =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      reads++;
      if (failing) throw new KogumaError('Unavailable', 'the store is down');
      return fn(...args);
    };
  const store: ResourceStore = Object.assign(Object.create(inner) as ResourceStore, {
    get: read(inner.get.bind(inner)),
    list: read(inner.list.bind(inner)),
  });
  await store.createAll([
    { kind: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} },
    ...signingKeyDrafts('default'),
  ]);
  return { store, reads: () => reads, failReads: (fail) => (failing = fail) };
}

async function tokenFor(store: ResourceStore, request: Partial<DataplaneTokenRequest> = {}): Promise<string> {
  return issueDataplaneToken(await issuingSigningKey(store, 'default'), {
    mesh: 'default',
    validForMs: HOUR,
    ...request,
  });
}

const code = (expected: string, pattern: RegExp) => (error: unknown) =>
  isKogumaError(error) && error.code === expected && pattern.test(error.message);

test('a genuine token that allows the dataplane is accepted; one for another dataplane is Forbidden', async () => {
  const { store } = await countingStore();
  const auth = new DataplaneAuthenticator({ store });
  try {
    const token = await tokenFor(store, { name: 'web-1', tags: { 'kuma.io/service': ['web'] } });
    const verified = await auth.authenticate(token, web1);
    assert.equal(verified.claims.name, 'web-1');
    await assert.rejects(
      auth.authenticate(token, { ...web1, name: 'web-2' }),
      code('Forbidden', /token is for dataplane "web-1"/),
    );
    await assert.rejects(
      auth.authenticate(token, { ...web1, inboundTags: [{ 'kuma.io/service': 'payments' }] }),
      code('Forbidden', /kuma.io\/service=payments is not allowed/),
    );
  } finally {
    auth.close();
  }
});

test('a token of another mesh, a forged and an expired token are Unauthenticated', async () => {
  const { store } = await countingStore();
  await store.createAll([
    { kind: 'Mesh', mesh: '', name: 'other', labels: {}, spec: {} },
    ...signingKeyDrafts('other'),
  ]);
  const auth = new DataplaneAuthenticator({ store });
  try {
    const other = await issueDataplaneToken(await issuingSigningKey(store, 'other'), {
      mesh: 'other',
      validForMs: HOUR,
    });
    await assert.rejects(
      auth.verify(other, 'default'),
      code('Unauthenticated', /is for mesh "other", not mesh "default"/),
    );
    const { signingKeyFromPem } = await import('./signing-key.js');
    const forged = await issueDataplaneToken(await signingKeyFromPem(generateSigningKeyPem(), 'test'), {
      mesh: 'default',
      validForMs: HOUR,
    });
    await assert.rejects(
      auth.verify(forged, 'default'),
      code('Unauthenticated', /signed with a key that mesh "default" does not have/),
    );
    const expired = await tokenFor(store, { validForMs: 60_000, now: new Date(Date.now() - 2 * HOUR) });
    await assert.rejects(auth.verify(expired, 'default'), code('Unauthenticated', /has expired/));
  } finally {
    auth.close();
  }
});

test('a reconnect storm costs one read of keys and one of revocations, not one per stream', async () => {
  const { store, reads } = await countingStore();
  const auth = new DataplaneAuthenticator({ store, refreshMs: 60_000 });
  try {
    const token = await tokenFor(store);
    const before = reads();
    const results = await Promise.all(Array.from({ length: 500 }, () => auth.authenticate(token, web1)));
    assert.equal(results.length, 500);
    assert.equal(reads() - before, 2, 'one list of signing keys and one get of the revocation list');
  } finally {
    auth.close();
  }
});

test('a revocation is refused at once: the store change makes the cached list stale', async () => {
  const { store } = await countingStore();
  const auth = new DataplaneAuthenticator({ store, refreshMs: 60_000 });
  try {
    const token = await tokenFor(store);
    const { claims } = await auth.verify(token, 'default');
    await revokeToken(store, 'default', claims.jti);
    await assert.rejects(
      auth.verify(token, 'default'),
      code('Unauthenticated', new RegExp(`${claims.jti} has been revoked`)),
    );
  } finally {
    auth.close();
  }
});

test('an open stream of a token revoked later is told so, with an Unauthenticated reason', async () => {
  const { store } = await countingStore();
  const auth = new DataplaneAuthenticator({ store, refreshMs: 60_000 });
  try {
    const kept = auth.watch(await auth.verify(await tokenFor(store), 'default'));
    const verified = await auth.verify(await tokenFor(store), 'default');
    const watch = auth.watch(verified);
    await revokeToken(store, 'default', verified.claims.jti);
    await waitUntil(() => watch.revoked.aborted, 'the revoked stream to be told');
    assert.ok(isKogumaError(watch.revoked.reason, 'Unauthenticated'));
    assert.match((watch.revoked.reason as Error).message, /has been revoked/);
    assert.equal(kept.revoked.aborted, false, 'other tokens are not affected');
    watch.release();
    kept.release();
  } finally {
    auth.close();
  }
});

test('rotation: an old key keeps its tokens working until its Secret is deleted, then their streams end', async () => {
  const { store } = await countingStore();
  const auth = new DataplaneAuthenticator({ store, refreshMs: 60_000 });
  try {
    const oldToken = await tokenFor(store);
    await store.create({
      kind: 'Secret',
      mesh: 'default',
      name: `${signingKeySecretName('default')}-1`,
      labels: {},
      spec: { data: Buffer.from(generateSigningKeyPem()).toString('base64') },
    });
    const newToken = await tokenFor(store);
    const watch = auth.watch(await auth.verify(oldToken, 'default'));
    await auth.verify(newToken, 'default');
    await store.delete({ kind: 'Secret', mesh: 'default', name: signingKeySecretName('default') });
    await waitUntil(() => watch.revoked.aborted, 'the stream of the retired key to end');
    assert.match((watch.revoked.reason as Error).message, /no longer a signing key of mesh "default"/);
    await assert.rejects(auth.verify(oldToken, 'default'), code('Unauthenticated', /does not have/));
    assert.equal((await auth.verify(newToken, 'default')).claims.mesh, 'default');
    watch.release();
  } finally {
    auth.close();
  }
});

test('without change events a revocation still ends open streams within refreshMs', async () => {
  const { store } = await countingStore();
  // A store whose change events are lost (a database reconnect): only the timer can notice.
  const deaf: ResourceStore = Object.assign(Object.create(store) as ResourceStore, { watch: () => () => {} });
  const auth = new DataplaneAuthenticator({ store: deaf, refreshMs: 100 });
  try {
    const verified = await auth.verify(await tokenFor(store), 'default');
    const watch = auth.watch(verified);
    await revokeToken(store, 'default', verified.claims.jti);
    const revokedAt = Date.now();
    await waitUntil(() => watch.revoked.aborted, 'the periodic recheck');
    assert.ok(Date.now() - revokedAt < 1_000, 'bounded by the refresh period, not by the next reconnect');
    watch.release();
  } finally {
    auth.close();
  }
});

test('while the store cannot be read, the last keys and revocations read keep serving; a mesh never read is Unavailable', async () => {
  const { store, failReads } = await countingStore();
  const auth = new DataplaneAuthenticator({ store, refreshMs: 1, logger: { warn: () => {}, error: () => {} } });
  try {
    const token = await tokenFor(store);
    await auth.verify(token, 'default');
    await sleep(5);
    failReads(true);
    assert.equal((await auth.verify(token, 'default')).claims.mesh, 'default');
    const fresh = new DataplaneAuthenticator({ store });
    await assert.rejects(
      fresh.verify(token, 'default'),
      code('Unavailable', /cannot verify dataplane tokens of mesh "default"/),
    );
    fresh.close();
  } finally {
    failReads(false);
    auth.close();
  }
});

async function waitUntil(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
