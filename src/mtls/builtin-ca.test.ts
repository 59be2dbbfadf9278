import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate as NodeCertificate, createPrivateKey } from 'node:crypto';
import { generateRootCa } from './builtin-ca.js';
import { CLOCK_SKEW_MS, x509 } from './x509.js';

const now = new Date('2030-01-01T12:00:00.250Z');
const YEAR_MS = 365 * 24 * 3_600_000;

test('the default root is a self-signed ECDSA P-256 CA for the mesh', async () => {
  const root = await generateRootCa({ mesh: 'default', backend: 'ca-1', lifetimeMs: YEAR_MS, now });
  const certificate = new x509.X509Certificate(root.certPem);
  assert.equal(certificate.subject, 'O=koguma, OU=ca-1, CN=default');
  assert.equal(certificate.issuer, certificate.subject);
  assert.ok(await certificate.verify({ publicKey: certificate.publicKey, date: now }));
  assert.equal((certificate.publicKey.algorithm as EcKeyAlgorithmLike).namedCurve, 'P-256');

  const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
  assert.equal(constraints?.ca, true);
  assert.equal(constraints?.critical, true);
  const usage = certificate.getExtension(x509.KeyUsagesExtension);
  assert.equal(usage?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  assert.equal(usage?.critical, true);
  assert.ok(certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);

  const node = new NodeCertificate(root.certPem);
  assert.equal(node.ca, true);
  assert.equal(node.subjectAltName, 'URI:spiffe://default');
  assert.equal(createPrivateKey(root.keyPem).asymmetricKeyType, 'ec');
  assert.match(root.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
});

test('validity starts a clock skew before now, on a whole second, and lasts the lifetime', async () => {
  const root = await generateRootCa({ mesh: 'default', backend: 'ca-1', lifetimeMs: YEAR_MS, now });
  const certificate = new x509.X509Certificate(root.certPem);
  assert.equal(
    certificate.notBefore.toISOString(),
    new Date(Math.floor((now.getTime() - CLOCK_SKEW_MS) / 1000) * 1000).toISOString(),
  );
  assert.equal(certificate.notBefore.toISOString(), '2030-01-01T11:59:00.000Z');
  assert.equal(certificate.notAfter.toISOString(), '2031-01-01T12:00:00.000Z');
});

test('rsaBits gives an RSA root of that size', async () => {
  const root = await generateRootCa({ mesh: 'm1', backend: 'b', rsaBits: 3072, lifetimeMs: YEAR_MS, now });
  const key = createPrivateKey(root.keyPem);
  assert.equal(key.asymmetricKeyType, 'rsa');
  assert.equal(key.asymmetricKeyDetails?.modulusLength, 3072);
  const certificate = new x509.X509Certificate(root.certPem);
  assert.equal((certificate.signatureAlgorithm as { name?: string }).name, 'RSASSA-PKCS1-v1_5');
  assert.ok(await certificate.verify({ publicKey: certificate.publicKey, date: now }));
});

test('two roots never share a serial, and serials are positive 16-byte integers', async () => {
  const serials = await Promise.all(
    [1, 2, 3].map(
      async () =>
        new x509.X509Certificate((await generateRootCa({ mesh: 'm', backend: 'b', lifetimeMs: YEAR_MS, now })).certPem)
          .serialNumber,
    ),
  );
  assert.equal(new Set(serials).size, 3);
  for (const serial of serials) {
    assert.equal(serial.length, 32);
    assert.ok(parseInt(serial.slice(0, 2), 16) < 0x80, `${serial} is negative`);
  }
});

test('a backend name with DN special characters stays one attribute', async () => {
  const root = await generateRootCa({ mesh: 'default', backend: 'ca, O=evil', lifetimeMs: YEAR_MS, now });
  const name = new x509.X509Certificate(root.certPem).subjectName;
  assert.deepEqual(name.getField('OU'), ['ca, O=evil']);
  assert.deepEqual(name.getField('O'), ['koguma']);
});

interface EcKeyAlgorithmLike {
  readonly namedCurve?: string;
}
