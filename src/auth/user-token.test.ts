import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { isKogumaError } from '../api/errors.js';
import { issueDataplaneToken } from './dataplane-token.js';
import { CLOCK_SKEW_SECONDS } from './jwt.js';
import { generateSigningKeyPem, signingKeyFromPem } from './signing-key.js';
import { ADMIN_GROUP, isAdmin, issueUserToken, verifyUserToken } from './user-token.js';

const HOUR = 3600_000;
const T0 = new Date('2030-01-01T00:00:00Z');
const newKey = () => signingKeyFromPem(generateSigningKeyPem(), 'test key');

async function rejects(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error) => isKogumaError(error, 'Unauthenticated') && message.test(error.message));
}

test('a user token carries Name and Groups and gives them back when verified', async () => {
  const key = await newKey();
  const token = await issueUserToken(key, {
    name: 'alice',
    groups: ['team-a', ADMIN_GROUP],
    validForMs: HOUR,
    now: T0,
  });
  assert.equal(decodeProtectedHeader(token).kid, key.kid);
  const { Name, Groups, jti, exp } = decodeJwt(token);
  assert.deepEqual({ Name, Groups }, { Name: 'alice', Groups: ['team-a', ADMIN_GROUP] });
  assert.equal(typeof jti, 'string');
  assert.equal(exp, T0.getTime() / 1000 + 3600);
  assert.deepEqual(await verifyUserToken(token, key, { now: T0 }), { name: 'alice', groups: ['team-a', ADMIN_GROUP] });
});

test('administrators are the members of mesh-system:admin', () => {
  assert.equal(isAdmin({ name: 'admin', groups: ['mesh-system:admin'] }), true);
  assert.equal(isAdmin({ name: 'bob', groups: ['mesh-system:authenticated'] }), false);
  assert.equal(isAdmin({ name: 'mesh-system:admin', groups: [] }), false, 'the name alone grants nothing');
});

test('a token signed by another key is refused', async () => {
  const token = await issueUserToken(await newKey(), { name: 'alice', groups: [], validForMs: HOUR, now: T0 });
  await rejects(
    verifyUserToken(token, await newKey(), { now: T0 }),
    /^user token is signed with a key this control plane does not have/,
  );
});

test('threat: a dataplane token is not accepted as a user token', async () => {
  const meshKey = await newKey();
  const userKey = await newKey();
  const dataplaneToken = await issueDataplaneToken(meshKey, {
    name: 'web-1',
    mesh: 'default',
    validForMs: HOUR,
    now: T0,
  });
  await rejects(verifyUserToken(dataplaneToken, userKey, { now: T0 }), /does not have/);
  // Even if someone configured one key for both, the claims do not fit.
  const sameKeyToken = await issueDataplaneToken(userKey, {
    name: 'web-1',
    mesh: 'default',
    validForMs: HOUR,
    now: T0,
  });
  await rejects(verifyUserToken(sameKeyToken, userKey, { now: T0 }), /Groups is not a list of group names/);
});

test('a tampered, expired, nameless or garbage token is refused', async () => {
  const key = await newKey();
  const token = await issueUserToken(key, { name: 'bob', groups: [], validForMs: HOUR, now: T0 });
  const [header, , signature] = token.split('.');
  const promoted = Buffer.from(JSON.stringify({ ...decodeJwt(token), Groups: [ADMIN_GROUP] })).toString('base64url');
  await rejects(
    verifyUserToken(`${header}.${promoted}.${signature}`, key, { now: T0 }),
    /^user token has a bad signature$/,
  );
  await rejects(
    verifyUserToken(token, key, { now: new Date(T0.getTime() + HOUR + CLOCK_SKEW_SECONDS * 1000) }),
    /^user token has expired$/,
  );
  await assert.rejects(issueUserToken(key, { name: ' ', groups: [], validForMs: HOUR }), (error) =>
    isKogumaError(error, 'InvalidInput'),
  );
  const nameless = await new SignJWT({ Groups: [] })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setJti('x')
    .setIssuedAt(T0)
    .setExpirationTime(new Date(T0.getTime() + HOUR))
    .sign(key.privateKey);
  await rejects(verifyUserToken(nameless, key, { now: T0 }), /names no user/);
  await rejects(verifyUserToken('garbage', key), /^user token is malformed: not a signed JWT$/);
});
