import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader, SignJWT, type JWTPayload } from 'jose';
import { isKogumaError } from '../api/errors.js';
import { createStore } from '../store/index.js';
import { issueDataplaneToken, verifyDataplaneToken, type DataplaneTokenVerifier } from './dataplane-token.js';
import { CLOCK_SKEW_SECONDS } from './jwt.js';
import { revokeToken, storedRevocations } from './revocations.js';
import { generateSigningKeyPem, signingKeyFromPem, type SigningKey } from './signing-key.js';
import { ensureSigningKey, storedSigningKeys } from './signing-keys.js';

const HOUR = 3600_000;
const T0 = new Date('2030-01-01T00:00:00Z');
const newKey = () => signingKeyFromPem(generateSigningKeyPem(), 'test key');

/** A verifier that knows one key of one mesh and revokes nothing. */
const trusting = (
  mesh: string,
  key: SigningKey,
  extra: Partial<DataplaneTokenVerifier> = {},
): DataplaneTokenVerifier => ({
  keyFor: (m, kid) => (m === mesh && kid === key.kid ? key : undefined),
  isRevoked: () => false,
  now: T0,
  ...extra,
});

/** Asserts a rejection is Unauthenticated with a message matching `message`. */
async function rejects(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error) => {
    assert.ok(isKogumaError(error, 'Unauthenticated'), `expected Unauthenticated, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

test('a token carries Kuma-named claims and the signing key id in its header', async () => {
  const key = await newKey();
  const token = await issueDataplaneToken(key, {
    name: 'web-1',
    mesh: 'default',
    tags: { 'kuma.io/service': ['web'] },
    type: 'dataplane',
    validForMs: HOUR,
    now: T0,
  });
  assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES256', kid: key.kid, typ: 'JWT' });
  const { jti, ...payload } = decodeJwt(token);
  assert.match(String(jti), /^[0-9a-f-]{36}$/);
  const iat = T0.getTime() / 1000;
  assert.deepEqual(payload, {
    Name: 'web-1',
    Mesh: 'default',
    Tags: { 'kuma.io/service': ['web'] },
    Type: 'dataplane',
    iat,
    nbf: iat,
    exp: iat + 3600,
  });
});

test('issued and verified, a token gives back its claims', async () => {
  const key = await newKey();
  const token = await issueDataplaneToken(key, {
    name: 'web-1',
    mesh: 'default',
    tags: { team: ['a', 'b'] },
    validForMs: HOUR,
    now: T0,
  });
  const claims = await verifyDataplaneToken(token, trusting('default', key, { mesh: 'default' }));
  assert.deepEqual(claims, {
    name: 'web-1',
    mesh: 'default',
    tags: { team: ['a', 'b'] },
    type: 'dataplane',
    jti: decodeJwt(token).jti,
    issuedAt: T0,
    expiresAt: new Date(T0.getTime() + HOUR),
  });
});

test('a token without a name is valid for any name; defaults are no tags and type dataplane', async () => {
  const key = await newKey();
  const token = await issueDataplaneToken(key, { mesh: 'default', validForMs: HOUR, now: T0 });
  assert.equal(decodeJwt(token)['Name'], undefined);
  const claims = await verifyDataplaneToken(token, trusting('default', key));
  assert.equal('name' in claims, false);
  assert.deepEqual(claims.tags, {});
  assert.equal(claims.type, 'dataplane');
});

test('each token has its own id, so one can be revoked alone', async () => {
  const key = await newKey();
  const request = { mesh: 'default', validForMs: HOUR, now: T0 };
  const ids = new Set(
    await Promise.all([1, 2, 3].map(async () => decodeJwt(await issueDataplaneToken(key, request)).jti)),
  );
  assert.equal(ids.size, 3);
});

test('a lifetime under one second is refused at issue', async () => {
  const key = await newKey();
  for (const validForMs of [0, -1, 999, Number.NaN]) {
    await assert.rejects(issueDataplaneToken(key, { mesh: 'default', validForMs }), (error) =>
      isKogumaError(error, 'InvalidInput'),
    );
  }
});

test('malformed: not a JWT, or a JWT naming no key or no mesh', async () => {
  const key = await newKey();
  const verifier = trusting('default', key);
  await rejects(verifyDataplaneToken('', verifier), /^dataplane token is malformed: not a signed JWT$/);
  await rejects(verifyDataplaneToken('a.b.c', verifier), /malformed: not a signed JWT/);
  await rejects(verifyDataplaneToken('only-one-part', verifier), /malformed: not a signed JWT/);
  const noKid = await new SignJWT({ Mesh: 'default' })
    .setProtectedHeader({ alg: 'ES256' })
    .setJti('x')
    .setIssuedAt(T0)
    .setExpirationTime('1h')
    .sign(key.privateKey);
  await rejects(verifyDataplaneToken(noKid, verifier), /malformed: its header names no signing key \(kid\)/);
  const noMesh = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setJti('x')
    .setIssuedAt(T0)
    .setExpirationTime('1h')
    .sign(key.privateKey);
  await rejects(verifyDataplaneToken(noMesh, verifier), /malformed: it names no Mesh/);
});

test('bad signature: a changed payload or a forged token claiming a known key id', async () => {
  const key = await newKey();
  const token = await issueDataplaneToken(key, { name: 'web-1', mesh: 'default', validForMs: HOUR, now: T0 });
  const [header, , signature] = token.split('.');
  const widened = Buffer.from(JSON.stringify({ ...decodeJwt(token), Name: 'db-1' })).toString('base64url');
  await rejects(
    verifyDataplaneToken(`${header}.${widened}.${signature}`, trusting('default', key)),
    /^dataplane token has a bad signature$/,
  );

  const attacker = await newKey();
  const forged = await issueDataplaneToken(
    { ...attacker, kid: key.kid },
    { mesh: 'default', validForMs: HOUR, now: T0 },
  );
  await rejects(verifyDataplaneToken(forged, trusting('default', key)), /bad signature/);
});

test('an unsigned (alg none) or differently signed token is refused', async () => {
  const key = await newKey();
  const payload = Buffer.from(JSON.stringify({ Mesh: 'default', jti: 'x', iat: 1, exp: 4102444800 })).toString(
    'base64url',
  );
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url')}.${payload}.`;
  await rejects(
    verifyDataplaneToken(none, trusting('default', key)),
    /dataplane token is (not signed with ES256|malformed)/,
  );
  const hs256 = await new SignJWT({ Mesh: 'default' })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid })
    .setJti('x')
    .setIssuedAt(T0)
    .setExpirationTime('1h')
    .sign(new Uint8Array(32));
  await rejects(verifyDataplaneToken(hs256, trusting('default', key)), /not signed with ES256/);
});

test('unknown key: the mesh has no key of that id', async () => {
  const key = await newKey();
  const token = await issueDataplaneToken(key, { mesh: 'default', validForMs: HOUR, now: T0 });
  await rejects(
    verifyDataplaneToken(token, trusting('default', await newKey())),
    /signed with a key that mesh "default" does not have \(kid /,
  );
});

test('a token signed by mesh A that claims mesh B finds no key in B', async () => {
  const store = await createStore({ type: 'memory' });
  const keyA = await ensureSigningKey(store, 'a');
  await ensureSigningKey(store, 'b');
  const token = await issueDataplaneToken(keyA, { mesh: 'b', validForMs: HOUR, now: T0 });
  const verifier = { keyFor: storedSigningKeys(store), isRevoked: () => false, now: T0 };
  await rejects(verifyDataplaneToken(token, verifier), /key that mesh "b" does not have/);
});

test('wrong mesh: a token of another mesh than the proxy says it belongs to', async () => {
  const key = await newKey();
  const token = await issueDataplaneToken(key, { mesh: 'default', validForMs: HOUR, now: T0 });
  await rejects(
    verifyDataplaneToken(token, trusting('default', key, { mesh: 'payments' })),
    /^dataplane token is for mesh "default", not mesh "payments"$/,
  );
});

test('expired: refused once past exp plus the allowed clock skew, accepted until then', async () => {
  const key = await newKey();
  const token = await issueDataplaneToken(key, { mesh: 'default', validForMs: HOUR, now: T0 });
  const at = (ms: number) => trusting('default', key, { now: new Date(T0.getTime() + ms) });
  await verifyDataplaneToken(token, at(HOUR + CLOCK_SKEW_SECONDS * 1000 - 1000));
  await rejects(verifyDataplaneToken(token, at(HOUR + CLOCK_SKEW_SECONDS * 1000)), /^dataplane token has expired$/);
});

test('not valid yet: a token from the future, beyond the allowed clock skew', async () => {
  const key = await newKey();
  const token = await issueDataplaneToken(key, { mesh: 'default', validForMs: HOUR, now: T0 });
  const before = trusting('default', key, { now: new Date(T0.getTime() - (CLOCK_SKEW_SECONDS + 1) * 1000) });
  await rejects(verifyDataplaneToken(token, before), /^dataplane token is not valid yet$/);
});

test('revoked: refused with its id, checked against the token mesh', async () => {
  const key = await newKey();
  const token = await issueDataplaneToken(key, { mesh: 'default', validForMs: HOUR, now: T0 });
  const asked: [string, string][] = [];
  const verifier = trusting('default', key, { isRevoked: (mesh, jti) => (asked.push([mesh, jti]), true) });
  await rejects(
    verifyDataplaneToken(token, verifier),
    new RegExp(`^dataplane token ${String(decodeJwt(token).jti)} has been revoked$`),
  );
  assert.deepEqual(asked, [['default', decodeJwt(token).jti]]);
});

test('genuine but ill-shaped claims are refused rather than misread', async () => {
  const key = await newKey();
  const sign = (claims: JWTPayload) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setJti('id-1')
      .setIssuedAt(T0)
      .setExpirationTime(new Date(T0.getTime() + HOUR))
      .sign(key.privateKey);
  const verifier = trusting('default', key);
  await rejects(
    verifyDataplaneToken(await sign({ Mesh: 'default', Tags: { svc: 'web' } }), verifier),
    /Tags is not a map of tag names to lists of values/,
  );
  await rejects(verifyDataplaneToken(await sign({ Mesh: 'default', Tags: ['web'] }), verifier), /Tags is not a map/);
  await rejects(
    verifyDataplaneToken(await sign({ Mesh: 'default', Type: 'gateway' }), verifier),
    /Type is not one of dataplane, ingress, egress/,
  );
  await rejects(verifyDataplaneToken(await sign({ Mesh: 'default', Name: 7 }), verifier), /Name is not a string/);
  const noExp = await new SignJWT({ Mesh: 'default' })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setJti('x')
    .setIssuedAt(T0)
    .sign(key.privateKey);
  await rejects(verifyDataplaneToken(noExp, verifier), /malformed: exp claim is missing/);
});

test('end to end with the store: ensure key, issue, verify, revoke, refuse', async () => {
  const store = await createStore({ type: 'memory' });
  const key = await ensureSigningKey(store, 'default');
  const token = await issueDataplaneToken(key, { name: 'web-1', mesh: 'default', validForMs: HOUR });
  const verifier = { keyFor: storedSigningKeys(store), isRevoked: storedRevocations(store), mesh: 'default' };
  const claims = await verifyDataplaneToken(token, verifier);
  assert.equal(claims.name, 'web-1');
  await revokeToken(store, 'default', claims.jti);
  await rejects(verifyDataplaneToken(token, verifier), /has been revoked/);
});
