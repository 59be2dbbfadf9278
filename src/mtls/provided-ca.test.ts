import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { checkProvidedCa } from './provided-ca.js';
import { makeCertificate, type TestCertificate } from './testing.js';
import { x509 } from './x509.js';

const field = 'mtls.backends[1].conf';
const now = new Date();
const DAY_MS = 86_400_000;

let root: TestCertificate;
let intermediate: TestCertificate;

before(async () => {
  root = await makeCertificate({ name: 'root', keyUsage: x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign });
  intermediate = await makeCertificate({
    name: 'intermediate',
    issuer: root,
    keyUsage: x509.KeyUsageFlags.keyCertSign,
  });
});

const check = (certPem: string, keyPem: string, at = now) => checkProvidedCa(certPem, keyPem, { now: at, field });

test('a valid CA and its key pass', async () => {
  assert.deepEqual(await check(root.certPem, root.keyPem), []);
});

test('an intermediate followed by its root passes', async () => {
  assert.deepEqual(await check(intermediate.certPem + root.certPem, intermediate.keyPem), []);
});

test('an RSA CA with a PKCS#1 key passes', async () => {
  const rsa = await makeCertificate({ name: 'rsa-root', rsaBits: 2048 });
  const pkcs1 = createPrivateKey(rsa.keyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
  assert.match(pkcs1, /BEGIN RSA PRIVATE KEY/);
  assert.deepEqual(await check(rsa.certPem, pkcs1), []);
});

test('a certificate that is not a CA is refused on the cert field', async () => {
  const leaf = await makeCertificate({ name: 'leaf', ca: false, issuer: root });
  assert.deepEqual(await check(leaf.certPem, leaf.keyPem), [
    { field: `${field}.cert`, reason: 'the certificate is not a CA certificate (basicConstraints cA is not set)' },
  ]);
});

test('a CA whose keyUsage forbids signing certificates is refused', async () => {
  const signingOnly = await makeCertificate({ name: 'no-cert-sign', keyUsage: x509.KeyUsageFlags.digitalSignature });
  assert.deepEqual(await check(signingOnly.certPem, signingOnly.keyPem), [
    { field: `${field}.cert`, reason: 'the certificate may not sign certificates (keyUsage lacks keyCertSign)' },
  ]);
});

test('an expired CA and a CA not valid yet are refused with their dates', async () => {
  const expired = await makeCertificate({
    name: 'old',
    notBefore: new Date(now.getTime() - 10 * DAY_MS),
    notAfter: new Date(now.getTime() - DAY_MS),
  });
  const [expiredIssue, ...rest] = await check(expired.certPem, expired.keyPem);
  assert.deepEqual(rest, []);
  assert.equal(expiredIssue?.field, `${field}.cert`);
  assert.equal(expiredIssue?.reason, `the certificate expired at ${expired.certificate.notAfter.toISOString()}`);

  const future = await makeCertificate({
    name: 'new',
    notBefore: new Date(now.getTime() + DAY_MS),
    notAfter: new Date(now.getTime() + 10 * DAY_MS),
  });
  assert.deepEqual(await check(future.certPem, future.keyPem), [
    {
      field: `${field}.cert`,
      reason: `the certificate is not valid before ${future.certificate.notBefore.toISOString()}`,
    },
  ]);
});

test('the same CA passes at a moment inside its validity', async () => {
  const later = await makeCertificate({
    name: 'new',
    notBefore: new Date(now.getTime() + DAY_MS),
    notAfter: new Date(now.getTime() + 10 * DAY_MS),
  });
  assert.deepEqual(await check(later.certPem, later.keyPem, new Date(now.getTime() + 2 * DAY_MS)), []);
});

test('a key of another certificate is refused on the key field', async () => {
  assert.deepEqual(await check(root.certPem, intermediate.keyPem), [
    { field: `${field}.key`, reason: "does not match the certificate's public key" },
  ]);
});

test('a chain in the wrong order is refused', async () => {
  const other = await makeCertificate({ name: 'other-root' });
  const issues = await check(intermediate.certPem + other.certPem, intermediate.keyPem);
  assert.deepEqual(issues, [
    {
      field: `${field}.cert`,
      reason:
        'the certificate is not signed by the certificate 2 of the chain; list the chain from the issuing CA up to the root',
    },
  ]);
});

test('a forged link (right issuer name, wrong key) is refused', async () => {
  const impostor = await makeCertificate({ name: 'root' });
  const issues = await check(intermediate.certPem + impostor.certPem, intermediate.keyPem);
  assert.equal(issues.length, 1);
  assert.match(issues[0]?.reason ?? '', /is not signed by/);
});

test('text that is not PEM, and PEM that is not a certificate, are refused', async () => {
  assert.deepEqual(await check('hello', 'world'), [
    { field: `${field}.cert`, reason: 'contains no PEM CERTIFICATE block' },
    { field: `${field}.key`, reason: 'is not a PEM private key (PKCS#8, SEC1 or PKCS#1)' },
  ]);
  const garbage = '-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n';
  assert.deepEqual(await check(garbage, root.keyPem), [
    { field: `${field}.cert`, reason: 'the certificate does not parse as an X.509 certificate' },
  ]);
});

test('an encrypted key is refused with a hint', async () => {
  const encrypted = createPrivateKey(root.keyPem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
    .toString();
  assert.deepEqual(await check(root.certPem, encrypted), [
    { field: `${field}.key`, reason: 'is encrypted; provide it without a passphrase' },
  ]);
});

test('keys of types a CA cannot sign with here are refused by name', async () => {
  const ed25519 = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  const k1 = generateKeyPairSync('ec', {
    namedCurve: 'secp256k1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  assert.deepEqual(await check(root.certPem, ed25519), [
    { field: `${field}.key`, reason: 'is of type ed25519, which is not supported; use RSA or ECDSA' },
  ]);
  assert.deepEqual(await check(root.certPem, k1), [
    { field: `${field}.key`, reason: 'uses curve secp256k1, which is not supported; use P-256, P-384 or P-521' },
  ]);
});
