import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { isKogumaError } from '../api/errors.js';
import { generateSigningKeyPem, signingKeyFromPem } from './signing-key.js';

test('a generated key is a P-256 PKCS#8 PEM that loads into a signing and a verification key', async () => {
  const pem = generateSigningKeyPem();
  assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
  const key = await signingKeyFromPem(pem, 'test key');
  assert.equal(key.privateKey.type, 'private');
  assert.equal(key.publicKey.type, 'public');
  assert.equal(key.privateKey.extractable, false);
  assert.match(key.kid, /^[A-Za-z0-9_-]{43}$/, 'a SHA-256 thumbprint in base64url');
});

test('the key id is derived from the key: stable across loads, different between keys', async () => {
  const pem = generateSigningKeyPem();
  const first = await signingKeyFromPem(pem, 'test key');
  const again = await signingKeyFromPem(pem, 'test key');
  const other = await signingKeyFromPem(generateSigningKeyPem(), 'test key');
  assert.equal(first.kid, again.kid);
  assert.notEqual(first.kid, other.kid);
});

test('a PEM that is not a P-256 private key is refused, naming where it came from', async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  await assert.rejects(signingKeyFromPem(rsa, 'Secret "k"'), (error) => {
    assert.ok(isKogumaError(error));
    assert.match(error.message, /^Secret "k" holds a rsa key; token signing keys are ECDSA P-256$/);
    return true;
  });
  await assert.rejects(signingKeyFromPem(p384, 'Secret "k"'), /holds a ec secp384r1 key/);
  await assert.rejects(
    signingKeyFromPem('not a pem', 'the file f'),
    /^KogumaError: the file f does not hold a PEM private key$/,
  );
});
