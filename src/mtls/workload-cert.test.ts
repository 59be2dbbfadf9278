import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate as NodeCertificate, createPrivateKey } from 'node:crypto';
import { KogumaError } from '../api/errors.js';
import { generateRootCa } from './builtin-ca.js';
import { loadCa, type CertificateAuthority } from './certificate-authority.js';
import { makeCertificate, urisOf } from './testing.js';
import { renewalTime } from './rotation.js';
import { issueWorkloadCertificate } from './workload-cert.js';
import { CLOCK_SKEW_MS, x509 } from './x509.js';

const DAY_MS = 86_400_000;
const now = new Date('2030-06-01T00:00:00.700Z');
const tags = { 'kuma.io/service': ['web', 'web-admin'], 'kuma.io/zone': ['east'], version: ['v2', 'v1', 'v2'] };

let ecdsaCa: CertificateAuthority;
let rsaCa: CertificateAuthority;

before(async () => {
  const ecdsaRoot = await generateRootCa({
    mesh: 'default',
    backend: 'ca-1',
    lifetimeMs: 3650 * DAY_MS,
    now: new Date('2030-01-01'),
  });
  const rsaRoot = await generateRootCa({
    mesh: 'default',
    backend: 'ca-2',
    rsaBits: 2048,
    lifetimeMs: 3650 * DAY_MS,
    now: new Date('2030-01-01'),
  });
  ecdsaCa = await loadCa(ecdsaRoot.certPem, ecdsaRoot.keyPem);
  rsaCa = await loadCa(rsaRoot.certPem, rsaRoot.keyPem);
});

for (const [name, ca] of [
  ['ECDSA', () => ecdsaCa],
  ['RSA', () => rsaCa],
] as const) {
  test(`a workload certificate from an ${name} CA verifies against the CA, in both libraries`, async () => {
    const issued = await issueWorkloadCertificate(ca(), { mesh: 'default', tags, lifetimeMs: DAY_MS, now });
    const certificate = new x509.X509Certificate(issued.certPem);
    assert.ok(await certificate.verify({ publicKey: ca().certificate.publicKey, date: now }));
    const node = new NodeCertificate(issued.certPem);
    const issuer = new NodeCertificate(ca().chainPem);
    assert.ok(node.checkIssued(issuer), 'issuer name and key identifiers match the CA');
    assert.ok(node.verify(issuer.publicKey));
    assert.equal(issued.chainPem, ca().chainPem);
  });
}

test('SANs: one SPIFFE ID per service, then a kuma URI per tag value, sorted and deduplicated', async () => {
  const issued = await issueWorkloadCertificate(ecdsaCa, { mesh: 'default', tags, lifetimeMs: DAY_MS, now });
  assert.deepEqual(urisOf(issued.certPem), [
    'spiffe://default/web',
    'spiffe://default/web-admin',
    'kuma://kuma.io/service/web',
    'kuma://kuma.io/service/web-admin',
    'kuma://kuma.io/zone/east',
    'kuma://version/v1',
    'kuma://version/v2',
  ]);
  const san = new x509.X509Certificate(issued.certPem).getExtension(x509.SubjectAlternativeNameExtension);
  assert.equal(san?.critical, true, 'the subject is empty, so the SANs must be critical');
});

test('a leaf for TLS both ways: not a CA, signature and key-encipherment usage, server and client auth, key id of the CA', async () => {
  const issued = await issueWorkloadCertificate(ecdsaCa, { mesh: 'default', tags, lifetimeMs: DAY_MS, now });
  const certificate = new x509.X509Certificate(issued.certPem);
  assert.equal(certificate.subject, '');
  assert.equal(certificate.issuer, ecdsaCa.certificate.subject);
  assert.equal(certificate.getExtension(x509.BasicConstraintsExtension)?.ca, false);
  assert.equal(
    certificate.getExtension(x509.KeyUsagesExtension)?.usages,
    x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
  );
  assert.deepEqual(
    [...(certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [])],
    [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
  );
  assert.equal(certificate.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId, ecdsaCa.keyIdentifier);
  assert.equal(new NodeCertificate(issued.certPem).ca, false);
});

test('the key is a PKCS#8 ECDSA P-256 key matching the certificate, whatever the CA algorithm', async () => {
  const issued = await issueWorkloadCertificate(rsaCa, { mesh: 'default', tags, lifetimeMs: DAY_MS, now });
  assert.match(issued.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  const key = createPrivateKey(issued.keyPem);
  assert.equal(key.asymmetricKeyType, 'ec');
  assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.ok(new NodeCertificate(issued.certPem).checkPrivateKey(key));
});

test('validity: back-dated by the clock skew, whole seconds, reported as in the certificate', async () => {
  const issued = await issueWorkloadCertificate(ecdsaCa, { mesh: 'default', tags, lifetimeMs: DAY_MS, now });
  assert.equal(
    issued.notBefore.toISOString(),
    new Date(Math.floor((now.getTime() - CLOCK_SKEW_MS) / 1000) * 1000).toISOString(),
  );
  assert.equal(issued.notAfter.toISOString(), '2030-06-02T00:00:00.000Z');
  const certificate = new x509.X509Certificate(issued.certPem);
  assert.equal(certificate.notBefore.getTime(), issued.notBefore.getTime());
  assert.equal(certificate.notAfter.getTime(), issued.notAfter.getTime());
  assert.equal(certificate.serialNumber, issued.serial);
});

test('every certificate gets its own key and serial', async () => {
  const [a, b] = await Promise.all(
    [1, 2].map(() => issueWorkloadCertificate(ecdsaCa, { mesh: 'default', tags, lifetimeMs: DAY_MS, now })),
  );
  assert.notEqual(a?.serial, b?.serial);
  assert.notEqual(a?.keyPem, b?.keyPem);
});

test('a certificate never outlives its CA', async () => {
  const shortRoot = await makeCertificate({ name: 'short', notAfter: new Date(Date.now() + 3_600_000) });
  const ca = await loadCa(shortRoot.certPem, shortRoot.keyPem);
  const issued = await issueWorkloadCertificate(ca, { mesh: 'default', tags, lifetimeMs: DAY_MS });
  assert.equal(issued.notAfter.getTime(), Math.floor(shortRoot.certificate.notAfter.getTime() / 1000) * 1000);
});

test('an expired CA issues nothing', async () => {
  await assert.rejects(
    issueWorkloadCertificate(ecdsaCa, { mesh: 'default', tags, lifetimeMs: DAY_MS, now: new Date('2045-01-01') }),
    /the CA of mesh "default" expired at 2039-/,
  );
});

test('a proxy without a kuma.io/service value gets no certificate', async () => {
  await assert.rejects(
    issueWorkloadCertificate(ecdsaCa, {
      mesh: 'default',
      tags: { 'kuma.io/service': [], version: ['v1'] },
      lifetimeMs: DAY_MS,
      now,
    }),
    (error: unknown) => {
      assert.ok(error instanceof KogumaError);
      assert.equal(error.code, 'InvalidInput');
      assert.deepEqual(error.invalidParameters, [
        { field: 'tags["kuma.io/service"]', reason: 'must have at least one value' },
      ]);
      return true;
    },
  );
});

test('a short-lived certificate is renewed at four fifths of its life from issuance, not of its back-dated validity', async () => {
  const issued = await issueWorkloadCertificate(ecdsaCa, { mesh: 'default', tags, lifetimeMs: 20_000, now });
  assert.equal(issued.issuedAt.getTime(), now.getTime());
  assert.ok(
    issued.notBefore.getTime() <= now.getTime() - CLOCK_SKEW_MS + 1000,
    'valid from before issuance, for clock skew',
  );
  const dueAfterMs = renewalTime(issued.issuedAt, issued.notAfter).getTime() - now.getTime();
  assert.ok(dueAfterMs >= 15_000 && dueAfterMs <= 16_000, `renewed ${dueAfterMs} ms after issuance`);
});
