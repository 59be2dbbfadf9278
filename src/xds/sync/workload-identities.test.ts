import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { createIssuanceLimiter, generateRootCa, loadCa } from '../../mtls/index.js';
import type { MeshSecurity } from '../../mtls/mesh-security.js';
import { WorkloadIdentities } from './workload-identities.js';

async function security(lifetimeMs = 3_600_000): Promise<MeshSecurity> {
  const root = await generateRootCa({ mesh: 'm', backend: 'ca-1', lifetimeMs: 10 * 3_600_000 });
  const issuer = await loadCa(root.certPem, root.keyPem);
  return { mesh: 'm', mode: 'STRICT', backend: 'ca-1', issuer, trusted: [issuer], lifetimeMs };
}

function identities() {
  const issued: string[] = [];
  const limiter = createIssuanceLimiter();
  const service = new WorkloadIdentities({
    limiter,
    onIssued: (nodeId) => issued.push(nodeId),
    logger: pino({ level: 'silent' }),
  });
  return { service, issued, limiter };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 5_000; !check();) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(5);
  }
}

const sans = (pem: string) => new X509Certificate(pem).subjectAltName?.split(', ').sort();

test('the first request starts issuance; the certificate names the proxy and is signed by the mesh CA', async () => {
  const { service, issued } = identities();
  const mesh = await security();
  assert.equal(service.identityFor('m.web-1', mesh, { 'kuma.io/service': ['web'], version: ['v1'] }), undefined);
  await until(() => issued.length === 1, 'issued');
  assert.deepEqual(issued, ['m.web-1']);
  const certificate = service.identityFor('m.web-1', mesh, { 'kuma.io/service': ['web'], version: ['v1'] });
  assert.ok(certificate);
  assert.deepEqual(
    sans(certificate.certPem),
    ['URI:kuma://kuma.io/service/web', 'URI:kuma://version/v1', 'URI:spiffe://m/web'].sort(),
  );
  assert.ok(
    new X509Certificate(certificate.certPem).verify(
      new X509Certificate(mesh.issuer.certificate.toString('pem')).publicKey,
    ),
  );
  // Asking again changes nothing.
  assert.equal(service.identityFor('m.web-1', mesh, { 'kuma.io/service': ['web'], version: ['v1'] }), certificate);
  await sleep(20);
  assert.equal(issued.length, 1);
  service.close();
});

test('new tags get a new certificate, and the old one is served until it arrives', async () => {
  const { service, issued } = identities();
  const mesh = await security();
  service.identityFor('m.web-1', mesh, { 'kuma.io/service': ['web'] });
  await until(() => issued.length === 1, 'first issued');
  const first = service.identityFor('m.web-1', mesh, { 'kuma.io/service': ['web'] })!;
  assert.equal(service.identityFor('m.web-1', mesh, { 'kuma.io/service': ['web', 'web-admin'] }), first);
  await until(() => issued.length === 2, 'second issued');
  const second = service.identityFor('m.web-1', mesh, { 'kuma.io/service': ['web', 'web-admin'] })!;
  assert.notEqual(second, first);
  assert.ok(sans(second.certPem)?.includes('URI:spiffe://m/web-admin'));
  service.close();
});

test('a certificate is renewed at 4/5 of its life without being asked', async () => {
  const { service, issued } = identities();
  // Certificates are back-dated a minute for clock skew, so a 2 s lifetime makes a 62 s certificate renewed 49.6 s after
  // its notBefore, i.e. ~ -10 s from now: due at once. Renewal happens when the engine rebuilds on onIssued.
  const mesh = await security(2_000);
  service.identityFor('m.a', mesh, { 'kuma.io/service': ['a'] });
  await until(() => issued.length >= 2, 'the renewal timer fired');
  const first = service.identityFor('m.a', mesh, { 'kuma.io/service': ['a'] });
  await until(() => issued.length >= 3, 'a successor was issued');
  const second = service.identityFor('m.a', mesh, { 'kuma.io/service': ['a'] });
  assert.ok(first && second && first.serial !== second.serial);
  service.close();
});

test('a forgotten proxy is not renewed', async () => {
  const { service, issued } = identities();
  const mesh = await security();
  service.identityFor('m.gone', mesh, { 'kuma.io/service': ['gone'] });
  service.forget('m.gone');
  await sleep(100);
  assert.deepEqual(issued, []);
  assert.equal(service.size, 0);
});
