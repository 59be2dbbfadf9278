import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { KogumaError } from '../api/errors.js';
import { generateRootCa } from './builtin-ca.js';
import { loadCa } from './certificate-authority.js';
import { makeCertificate } from './testing.js';
import { x509 } from './x509.js';

const YEAR_MS = 365 * 86_400_000;

test('a builtin root loads with its own key identifier and a SHA-256 fingerprint', async () => {
  const root = await generateRootCa({ mesh: 'default', backend: 'ca-1', lifetimeMs: YEAR_MS });
  const ca = await loadCa(root.certPem, root.keyPem);
  assert.equal(ca.algorithm, 'ECDSA');
  assert.equal(ca.certificate.subject, 'O=koguma, OU=ca-1, CN=default');
  assert.equal(ca.keyIdentifier, ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
  assert.equal(ca.fingerprint, Buffer.from(await ca.certificate.getThumbprint('SHA-256')).toString('hex'));
  assert.equal(ca.chainPem, root.certPem);
  assert.equal(ca.privateKey.extractable, false);
});

test('an RSA CA without a subjectKeyIdentifier gets one computed from its key', async () => {
  const rsa = await makeCertificate({ name: 'rsa', rsaBits: 2048 });
  assert.equal(rsa.certificate.getExtension(x509.SubjectKeyIdentifierExtension), null);
  const ca = await loadCa(
    rsa.certPem,
    createPrivateKey(rsa.keyPem).export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  assert.equal(ca.algorithm, 'RSA');
  assert.equal(ca.keyIdentifier, Buffer.from(await rsa.certificate.publicKey.getKeyIdentifier()).toString('hex'));
  assert.equal(ca.keyIdentifier.length, 40);
});

test('the chain keeps intermediates after the issuing certificate', async () => {
  const root = await makeCertificate({ name: 'root' });
  const intermediate = await makeCertificate({ name: 'intermediate', issuer: root });
  const ca = await loadCa(`${intermediate.certPem}\n\n${root.certPem}`, intermediate.keyPem);
  assert.equal(ca.certificate.subject, 'CN=intermediate');
  assert.equal(ca.chainPem, intermediate.certPem + root.certPem);
});

test('a key that does not match, or a certificate that does not parse, cannot be loaded', async () => {
  const a = await makeCertificate({ name: 'a' });
  const b = await makeCertificate({ name: 'b' });
  await assert.rejects(loadCa(a.certPem, b.keyPem), (error: unknown) => {
    assert.ok(error instanceof KogumaError);
    assert.equal(error.code, 'InvalidInput');
    assert.equal(error.message, "the CA cannot be loaded: the key does not match the certificate's public key");
    return true;
  });
  await assert.rejects(loadCa('nothing', a.keyPem), /the certificate does not parse: no CERTIFICATE block found/);
  await assert.rejects(loadCa(a.certPem, 'nothing'), /the key is not a PEM private key/);
});
