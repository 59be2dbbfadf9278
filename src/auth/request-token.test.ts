import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKogumaError } from '../api/errors.js';
import { bearerToken, type AuthorizationValue } from './request-token.js';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJNZXNoIjoiZGVmYXVsdCJ9.c2lnbmF0dXJl';

function refused(value: AuthorizationValue, message: RegExp): void {
  assert.throws(
    () => bearerToken(value),
    (error) => {
      assert.ok(isKogumaError(error, 'Unauthenticated'));
      assert.match(error.message, message);
      assert.ok(!error.message.includes('secret-credential'), 'the credential is never echoed');
      return true;
    },
  );
}

test('the token of a Bearer value, with any case of the scheme and surrounding spaces', () => {
  for (const value of [`Bearer ${JWT}`, `bearer ${JWT}`, `BEARER ${JWT}`, `  Bearer   ${JWT}  `, `Bearer\t${JWT}`]) {
    assert.equal(bearerToken(value), JWT);
  }
});

test('gRPC metadata: a one-element list of strings or bytes', () => {
  assert.equal(bearerToken([`Bearer ${JWT}`]), JWT);
  assert.equal(bearerToken([Buffer.from(`Bearer ${JWT}`)]), JWT);
  assert.equal(bearerToken(new TextEncoder().encode(`Bearer ${JWT}`)), JWT);
});

test('no header at all', () => {
  for (const value of [undefined, null, '', '   ', []]) {
    refused(value, /^no Authorization header: expected "Authorization: Bearer <token>"$/);
  }
});

test('another scheme is named, a bare token is told it lacks the scheme', () => {
  refused('Basic secret-credential', /^the Authorization header uses the "Basic" scheme; expected "Bearer <token>"$/);
  refused(
    'Bearer-ish secret-credential',
    /^the Authorization header uses an unknown scheme; expected "Bearer <token>"$/,
  );
  refused(JWT, /^the Authorization header has no scheme; expected "Bearer <token>"$/);
});

test('the Bearer scheme without a token', () => {
  refused('Bearer', /^the Authorization header has the Bearer scheme but no token$/);
  refused('Bearer    ', /has the Bearer scheme but no token/);
});

test('a token with characters no token has, such as a second value folded in', () => {
  refused(`Bearer ${JWT}, Bearer other`, /bearer token contains characters a token cannot have/);
  refused('Bearer two words', /cannot have/);
  refused('Bearer tok"en', /cannot have/);
});

test('two Authorization values are ambiguous and refused', () => {
  refused([`Bearer ${JWT}`, 'Bearer secret-credential'], /^2 Authorization values were sent; expected one$/);
});
