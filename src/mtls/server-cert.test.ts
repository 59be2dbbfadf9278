import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { loadCa } from './certificate-authority.js';
import { generateServerCa, issueServerCertificate } from './server-cert.js';

const DAY_MS = 86_400_000;

async function serverIdentity(names: string[], lifetimeMs = 30 * DAY_MS) {
  const caPem = await generateServerCa({ commonName: 'test control plane CA', lifetimeMs: 365 * DAY_MS });
  const ca = await loadCa(caPem.certPem, caPem.keyPem);
  return { caPem, server: await issueServerCertificate(ca, { names, lifetimeMs }) };
}

/** A real TLS handshake to 127.0.0.1, verifying the certificate for `servername` as a data plane does: the error, or undefined. */
async function handshake(cert: string, key: string, ca: string, servername: string): Promise<Error | undefined> {
  const server = createServer({ cert, key }, (socket) => socket.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<Error | undefined>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ca, servername });
      socket.once('secureConnect', () => (socket.destroy(), resolve(undefined)));
      socket.once('error', resolve);
    });
  } finally {
    server.close();
  }
}

test('the CA may sign only end certificates (path length 0) and is self-signed', async () => {
  const { caPem } = await serverIdentity(['localhost']);
  const ca = new X509Certificate(caPem.certPem);
  assert.equal(ca.ca, true);
  assert.ok(ca.verify(ca.publicKey), 'self-signed');
  assert.match(ca.subject, /CN=test control plane CA/);
});

test('the server certificate names DNS and IP SANs (v4 and v6) and is signed by the CA', async () => {
  const { caPem, server } = await serverIdentity(['localhost', '127.0.0.1', '::1', 'cp.example.internal']);
  const cert = new X509Certificate(server.certPem);
  const ca = new X509Certificate(caPem.certPem);
  assert.equal(cert.ca, false);
  assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey));
  assert.equal(cert.checkHost('localhost'), 'localhost');
  assert.equal(cert.checkHost('cp.example.internal'), 'cp.example.internal');
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.ok(cert.checkIP('::1') !== undefined, 'IPv6 loopback');
  assert.equal(cert.checkHost('other.example'), undefined);
  assert.equal(cert.checkIP('10.0.0.1'), undefined);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'serverAuth only');
});

test('a TLS client trusting the CA completes the handshake; one trusting another CA does not', async () => {
  const { caPem, server } = await serverIdentity(['localhost', '127.0.0.1']);
  assert.equal(await handshake(server.certPem, server.keyPem, caPem.certPem, 'localhost'), undefined);
  const other = await generateServerCa({ commonName: 'someone else', lifetimeMs: DAY_MS });
  const refused = await handshake(server.certPem, server.keyPem, other.certPem, 'localhost');
  assert.ok(refused instanceof Error);
  assert.match(refused.message, /self[- ]signed|unable to verify|unable to get local issuer/);
  const wrongName = await handshake(server.certPem, server.keyPem, caPem.certPem, 'elsewhere.example');
  assert.equal((wrongName as NodeJS.ErrnoException | undefined)?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
});

test('the server certificate never outlives its CA', async () => {
  const caPem = await generateServerCa({ commonName: 'short CA', lifetimeMs: DAY_MS });
  const ca = await loadCa(caPem.certPem, caPem.keyPem);
  const server = await issueServerCertificate(ca, { names: ['localhost'], lifetimeMs: 365 * DAY_MS });
  assert.equal(server.notAfter.getTime(), ca.certificate.notAfter.getTime());
});

test('a server certificate without any name is refused', async () => {
  const caPem = await generateServerCa({ commonName: 'CA', lifetimeMs: DAY_MS });
  const ca = await loadCa(caPem.certPem, caPem.keyPem);
  await assert.rejects(
    issueServerCertificate(ca, { names: [], lifetimeMs: DAY_MS }),
    /at least one host name or address/,
  );
});
