/**
 * The proxyless agent's certificate stream against the real control plane
 * (in this process, memory store, DP server over TLS as by default): in a mesh
 * with builtin mTLS, the files the application's gRPC library watches appear
 * with a certificate naming the dataplane's service, signed by the mesh's CA,
 * readable by their owner only.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { pino } from 'pino';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import { identityFilesIn, prepareIdentityDir } from '../../src/dp/identity-files.js';
import { watchSecrets } from '../../src/dp/secret-watcher.js';
import { DATAPLANE_RESOURCE_METADATA, PROXY_FLAVOUR_METADATA } from '../../src/xds/node-metadata.js';
import { waitFor } from '../support/proxyless-processes.js';
import { cleanUp, scratchDir } from './harness.js';

let cp: RunningControlPlane;

before(async () => {
  const flags = {
    store: 'memory',
    apiPort: '0',
    xdsPort: '0',
    xdsDebounceMs: '5ms',
    dpAuth: 'none',
    dataDir: await scratchDir(),
  } as const;
  cp = await startControlPlane(resolveConfig(flags, {}), { logger: pino({ level: 'silent' }) });
});

after(async () => {
  await cleanUp();
  await cp?.close();
});

async function put(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${cp.apiUrl}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  assert.ok(response.ok, `PUT ${path}: ${response.status} ${await response.text()}`);
}

test('in an mTLS mesh the agent writes the certificate, key and roots, and keeps them 0600', async () => {
  await put('/meshes/default', {
    type: 'Mesh',
    name: 'default',
    mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] },
  });
  const files = identityFilesIn(join(await scratchDir(), 'certs'));
  await prepareIdentityDir(files);
  const dataplane = {
    type: 'Dataplane',
    mesh: 'default',
    name: 'web-1',
    networking: {
      address: '127.0.0.1',
      inbound: [{ port: 40001, tags: { 'kuma.io/service': 'web', 'kuma.io/protocol': 'grpc' } }],
    },
  };
  const ca = await readFile(cp.xdsCaCertFile ?? assert.fail('no DP server CA'), 'utf8');
  const stop = new AbortController();
  const lines: string[] = [];
  const watching = watchSecrets({
    transport: createGrpcTransport({ baseUrl: cp.xdsUrl, nodeOptions: { ca } }),
    node: {
      id: 'default.web-1',
      metadata: { [PROXY_FLAVOUR_METADATA]: 'grpc', [DATAPLANE_RESOURCE_METADATA]: JSON.stringify(dataplane) },
    },
    mesh: 'default',
    files,
    log: (line) => lines.push(line),
    signal: stop.signal,
  });
  try {
    const certificatePem = await waitFor('the certificate file', async () => {
      try {
        return await readFile(files.certificateFile, 'utf8');
      } catch {
        return undefined;
      }
    });
    const rootPem = await waitFor('the roots file', async () => {
      try {
        return await readFile(files.caCertificateFile, 'utf8');
      } catch {
        return undefined;
      }
    });
    const certificate = new X509Certificate(certificatePem);
    const root = new X509Certificate(rootPem);
    assert.match(certificate.subjectAltName ?? '', /URI:spiffe:\/\/default\/web/);
    assert.ok(certificate.checkIssued(root) && certificate.verify(root.publicKey), 'signed by the mesh root');
    assert.ok(
      certificate.checkPrivateKey(
        (await import('node:crypto')).createPrivateKey(await readFile(files.privateKeyFile, 'utf8')),
      ),
    );
    for (const file of [files.certificateFile, files.privateKeyFile, files.caCertificateFile])
      assert.equal((await stat(file)).mode & 0o777, 0o600, file);
    assert.equal((await stat(files.dir)).mode & 0o777, 0o700);
    assert.ok(lines.some((line) => line.includes('workload certificate written')));

    const overview = (await (await fetch(`${cp.apiUrl}/meshes/default/dataplanes/web-1/_overview`)).json()) as {
      dataplaneInsight: { mTLS?: Record<string, unknown> };
    };
    assert.equal(overview.dataplaneInsight.mTLS?.['issuedBackend'], 'ca-1');
    assert.equal(
      overview.dataplaneInsight.mTLS?.['certificateExpirationTime'],
      new Date(certificate.validTo).toISOString(),
    );
    assert.ok(Number(overview.dataplaneInsight.mTLS?.['certificateRegenerations']) >= 1);
  } finally {
    stop.abort();
    await watching;
  }
});
