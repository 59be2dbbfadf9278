/**
 * Zero trust with real peers: a mesh with builtin mTLS in STRICT mode, the
 * proxyless example's backends and two clients (services `frontend` and
 * `other`), every piece a real process under `koguma dp run --proxyless` on
 * 127.0.0.1. What the traffic does is the assertion:
 *
 *   frontend ──mTLS──► backend-1, backend-2      allowed by MeshTrafficPermission
 *   other    ──mTLS──► PERMISSION_DENIED          denied by MeshTrafficPermission
 *   plaintext client ─► refused (no certificate, no TLS)
 *   15 s certificates ─► renewed several times, no failed call
 *   enabledBackend builtin ─► provided ─► no failed call
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { generateRootCa } from '../../src/mtls/index.js';
import { EXAMPLES } from '../support/proxyless-processes.js';
import {
  api,
  cleanUp,
  clientDataplaneFile,
  freePort,
  startBackend,
  startClient,
  startControlPlane,
  tally,
  waitFor,
  type ClientProcess,
  type ControlPlaneProcess,
  type KogumaProcess,
} from '../support/proxyless.js';

const RATE = 20;
const builtin = { name: 'ca-1', type: 'builtin', dpCert: { rotation: { expiration: '15s' } } };
const meshWith = (mtls: unknown) => ({ type: 'Mesh', name: 'default', mtls });

let cp: ControlPlaneProcess;
let frontend: ClientProcess;
let other: ClientProcess;
const backends: KogumaProcess[] = [];
let backendPort = 0;

before(async () => {
  cp = await startControlPlane();
  const mesh = await api(cp, 'PUT', '/meshes/default', meshWith({ enabledBackend: 'ca-1', backends: [builtin] }));
  assert.equal(mesh.status, 200, JSON.stringify(mesh.body));
  const permission = await api(cp, 'PUT', '/meshes/default/meshtrafficpermissions/backend-callers', {
    type: 'MeshTrafficPermission',
    mesh: 'default',
    name: 'backend-callers',
    spec: {
      targetRef: { kind: 'MeshService', name: 'backend' },
      from: [
        { targetRef: { kind: 'MeshService', name: 'frontend' }, default: { action: 'Allow' } },
        { targetRef: { kind: 'MeshService', name: 'other' }, default: { action: 'Deny' } },
      ],
    },
  });
  assert.equal(permission.status, 201, JSON.stringify(permission.body));
  backendPort = await freePort();
  backends.push(await startBackend(cp, 'backend-1', backendPort));
  backends.push(await startBackend(cp, 'backend-2', await freePort()));
  frontend = startClient(cp, 'frontend-1', RATE, await clientDataplaneFile('frontend'));
  other = startClient(cp, 'other-1', RATE, await clientDataplaneFile('other'));
});

after(cleanUp);

const since = (client: ClientProcess, from: number) => client.outcomes().filter((o) => o.at >= from);
const failures = (client: ClientProcess, from: number) => since(client, from).filter((o) => o.error !== undefined);

/** Where the agent wrote the workload certificate (it logs the path each time it writes). */
function certificateFileOf(proc: KogumaProcess): string | undefined {
  const line = [...proc.lines, ...proc.stderr().split('\n')].find((l) =>
    l.includes('workload certificate written to '),
  );
  return line?.slice(line.indexOf('written to ') + 'written to '.length).trim();
}

const certificateWrites = (proc: KogumaProcess): number =>
  proc
    .stderr()
    .split('\n')
    .filter((l) => l.includes('workload certificate written to ')).length;

async function meshRootPem(): Promise<string> {
  const secret = await api(cp, 'GET', '/meshes/default/secrets/default.ca-builtin-cert-ca-1');
  assert.equal(secret.status, 200);
  return Buffer.from(secret.body.data, 'base64').toString('utf8');
}

let firstSuccess = 0;

describe('proxyless gRPC under mesh mTLS (STRICT) and MeshTrafficPermission', () => {
  it('the allowed client is answered by both backends over mTLS with mesh-issued certificates', async () => {
    const first = await waitFor(
      () => `a first answer to frontend (stderr: ${frontend.proc.stderr()})`,
      () => frontend.outcomes().find((o) => o.server !== undefined),
      30_000,
    );
    firstSuccess = first.at;
    await waitFor('answers from both backends', () => {
      const counts = tally(since(frontend, first.at));
      return (counts['backend-1'] ?? 0) >= 5 && (counts['backend-2'] ?? 0) >= 5 ? true : undefined;
    });
    assert.deepEqual(failures(frontend, first.at), [], 'no failed call once the first one succeeded');

    const root = new X509Certificate(await meshRootPem());
    for (const proc of [frontend.proc, ...backends]) {
      const file = certificateFileOf(proc);
      assert.ok(file, `${proc.label} wrote a certificate`);
      const certificate = new X509Certificate(await readFile(file, 'utf8'));
      assert.ok(
        certificate.checkIssued(root) && certificate.verify(root.publicKey),
        `${proc.label}'s certificate is signed by the mesh CA`,
      );
    }
    const backendCertificate = new X509Certificate(await readFile(certificateFileOf(backends[0]!)!, 'utf8'));
    assert.match(backendCertificate.subjectAltName ?? '', /URI:spiffe:\/\/default\/backend/);
  });

  it('the denied client gets PERMISSION_DENIED from every backend', async () => {
    const denied = await waitFor(
      () => `other's calls to be refused (outcomes: ${JSON.stringify(other.outcomes().slice(-3))})`,
      () => {
        const recent = other.outcomes().filter((o) => o.error === 'PERMISSION_DENIED');
        return recent.length >= 10 ? recent : undefined;
      },
      30_000,
    );
    assert.ok(denied.length >= 10);
    assert.equal(other.outcomes().filter((o) => o.server !== undefined).length, 0, 'other is never answered');
  });

  it('a client without a certificate cannot talk to a backend at all', async () => {
    const { WhoamiClient } = (await import(join(EXAMPLES, 'service.mjs'))) as {
      WhoamiClient: new (
        target: string,
        credentials: grpc.ChannelCredentials,
      ) => grpc.Client & { Who: (...args: unknown[]) => unknown };
    };
    const plain = new WhoamiClient(`127.0.0.1:${backendPort}`, grpc.credentials.createInsecure());
    try {
      const error = await new Promise<grpc.ServiceError | undefined>((resolve) =>
        plain.Who(Buffer.alloc(0), { deadline: Date.now() + 3_000 }, (err: grpc.ServiceError | null) =>
          resolve(err ?? undefined),
        ),
      );
      assert.ok(error, 'the plaintext call failed');
      assert.equal(error.code, grpc.status.UNAVAILABLE);
    } finally {
      plain.close();
    }
  });

  it('15-second certificates are renewed several times under continuous calls with no failed call', async () => {
    const start = Date.now();
    const writesBefore = certificateWrites(frontend.proc);
    await waitFor(
      () => `three renewals of frontend's certificate (writes: ${certificateWrites(frontend.proc) - writesBefore})`,
      () =>
        certificateWrites(frontend.proc) - writesBefore >= 3 && backends.every((b) => certificateWrites(b) >= 4)
          ? true
          : undefined,
      75_000,
    );
    assert.ok(
      since(frontend, start).filter((o) => o.server !== undefined).length > RATE * 20,
      'calls kept being answered',
    );
    assert.deepEqual(failures(frontend, firstSuccess), [], 'no failed call across the renewals');
  });

  it('switching the mesh to a provided CA keeps calls flowing, and certificates come from the new CA', async () => {
    const provided = await generateRootCa({ mesh: 'default', backend: 'ca-2', lifetimeMs: 24 * 3_600_000 });
    const switchedAt = Date.now();
    const mesh = await api(
      cp,
      'PUT',
      '/meshes/default',
      meshWith({
        enabledBackend: 'ca-2',
        backends: [
          builtin,
          {
            name: 'ca-2',
            type: 'provided',
            dpCert: { rotation: { expiration: '1h' } },
            conf: { cert: { inlineString: provided.certPem }, key: { inlineString: provided.keyPem } },
          },
        ],
      }),
    );
    assert.equal(mesh.status, 200, JSON.stringify(mesh.body));
    const newRoot = new X509Certificate(provided.certPem);
    await waitFor(
      'every proxy to hold a certificate of the provided CA',
      async () => {
        for (const proc of [frontend.proc, ...backends]) {
          const certificate = new X509Certificate(await readFile(certificateFileOf(proc)!, 'utf8'));
          if (!certificate.checkIssued(newRoot)) return undefined;
        }
        return true;
      },
      30_000,
    );
    // Calls keep being answered a while after the switch completed.
    const settled = Date.now();
    await waitFor(
      'answers after the switch',
      () => (since(frontend, settled).filter((o) => o.server !== undefined).length >= RATE * 3 ? true : undefined),
      60_000,
    );
    assert.deepEqual(failures(frontend, switchedAt), [], 'no failed call during the CA switch');
    assert.deepEqual(failures(frontend, firstSuccess), []);
  });
});
