/**
 * Mesh mTLS through real Envoy sidecars, with the builtin CA: what a caller
 * with a sidecar, one without (plaintext, straight to the inbound port) and
 * one speaking TLS without a mesh certificate get in STRICT and PERMISSIVE
 * meshes, and certificates rotating under steady traffic.
 *
 *   mesh strict      (certificates live 20 s)    mesh permissive
 *     s-client ──mTLS──► s-web  (http)             p-client ──mTLS──► p-web  (http)
 *              ──mTLS──► s-cache (tcp)                      ──mTLS──► p-cache (tcp)
 *     test ──plaintext──► inbound ports            test ──plaintext──► inbound ports
 *
 * Both meshes are bare (no default retry or timeout policy), so no retry can
 * hide a failed request, and allow every caller with one MeshTrafficPermission.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { closeApps, httpRequest, tcpExchange, type HttpAnswer } from '../support/envoy-apps.js';
import { envoyTestOptions } from '../support/envoy.js';
import { presentedCertificates, type CertificateDetails } from '../support/envoy-certs.js';
import { envoyCounter, listenerStat } from '../support/envoy-counters.js';
import { failed, startHttpLoad, startTcpLoad, tallyByApp } from '../support/envoy-load.js';
import { mtlsMesh, putMesh, putPolicy } from '../support/envoy-mesh.js';
import {
  awaitEndpoints,
  outboundPort,
  startCaller,
  startInstance,
  type ServiceInstance,
} from '../support/envoy-services.js';
import type { Sidecar } from '../support/envoy-sidecar.js';
import { cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const CERT_LIFETIME_S = 20;

interface MeshSetup {
  readonly web: ServiceInstance;
  readonly cache: ServiceInstance;
  readonly client: Sidecar;
}

async function startMesh(
  cp: ControlPlaneProcess,
  mesh: string,
  prefix: string,
  options: Parameters<typeof mtlsMesh>[1],
): Promise<MeshSetup> {
  await putMesh(cp, { ...mtlsMesh(mesh, options), skipCreatingInitialPolicies: ['*'] });
  await putPolicy(cp, {
    type: 'MeshTrafficPermission',
    mesh,
    name: 'allow-all',
    spec: { targetRef: { kind: 'Mesh' }, from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'Allow' } }] },
  });
  const [web, cache, client] = await Promise.all([
    startInstance(cp, { mesh, name: `${prefix}-web`, service: `${prefix}-web` }),
    startInstance(cp, { mesh, name: `${prefix}-cache`, service: `${prefix}-cache`, protocol: 'tcp' }),
    startCaller(cp, { mesh, name: `${prefix}-client`, calls: [`${prefix}-web`, `${prefix}-cache`] }),
  ]);
  await awaitEndpoints(client, { [web.name]: [web], [cache.name]: [cache] });
  return { web, cache, client };
}

/** A TLS record of type alert (21): what a TLS server sends a plaintext client before it closes. */
const isTlsAlert = (answer: unknown): boolean => typeof answer === 'string' && answer.startsWith('\u0015\u0003');

/** `refused: <why>` when there was no answer from the app (an error, or only a TLS alert), else `answered: <answer>`. */
async function refusal(attempt: Promise<unknown>): Promise<string> {
  try {
    const answer = await attempt;
    return isTlsAlert(answer) ? 'refused: a TLS alert' : `answered: ${JSON.stringify(answer)}`;
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

/** An HTTP request over TLS with no client certificate: what Envoy answers, if anything. */
function tlsWithoutCertificate(port: number, serverName: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: serverName, rejectUnauthorized: false }, () =>
      socket.write(`GET / HTTP/1.1\r\nhost: ${serverName}\r\nconnection: close\r\n\r\n`),
    );
    let answer = '';
    const timer = setTimeout(() => socket.destroy(new Error('no answer and no refusal within 10 s')), 10_000);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('error', (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (answer === '') reject(new Error('closed without an answer'));
      else resolve(answer);
    });
  });
}

const handshakes = (instance: ServiceInstance): Promise<number | undefined> =>
  envoyCounter(instance.sidecar, listenerStat(instance.inboundPort, 'ssl.handshake'));

describe('mesh mTLS through real Envoy sidecars', { ...envoyTestOptions(), timeout: 180_000 }, () => {
  let cp: ControlPlaneProcess;
  let strict: MeshSetup;
  let permissive: MeshSetup;

  before(async () => {
    cp = await startControlPlane();
    [strict, permissive] = await Promise.all([
      startMesh(cp, 'strict', 's', { mode: 'STRICT', certLifetime: `${CERT_LIFETIME_S}s` }),
      startMesh(cp, 'permissive', 'p', { mode: 'PERMISSIVE' }),
    ]);
  });
  after(async () => {
    await cleanUp();
    await closeApps();
  });

  test('STRICT: calls from a sidecar reach the apps over mTLS, HTTP and TCP', async () => {
    const tlsBefore = await handshakes(strict.cache);
    const reply = await httpRequest(outboundPort(strict.client, 's-web'), '/over-mtls', {
      headers: { 'x-echo': 'strict' },
    });
    assert.equal(reply.status, 200, reply.body);
    assert.equal(reply.headers['x-app'], 's-web');
    assert.equal((JSON.parse(reply.body) as HttpAnswer).path, '/over-mtls');
    assert.equal(await tcpExchange(outboundPort(strict.client, 's-cache'), 'hello'), 's-cache:hello');
    assert.equal(
      await handshakes(strict.cache),
      (tlsBefore ?? 0) + 1,
      "the TCP connection was a TLS handshake at the callee's inbound",
    );
    const [cert] = (await presentedCertificates(strict.web.sidecar)) ?? [];
    assert.ok(cert?.uris.includes('spiffe://strict/s-web'), `s-web presents its identity: ${JSON.stringify(cert)}`);
  });

  test('STRICT: a plaintext caller on the inbound port is refused, and so is a TLS caller without a mesh certificate', async () => {
    const served = strict.web.app.served();
    assert.match(await refusal(httpRequest(strict.web.inboundPort, '/plaintext')), /^refused: /);
    assert.match(await refusal(tlsWithoutCertificate(strict.web.inboundPort, 's-web')), /^refused: /);
    assert.equal(strict.web.app.served(), served, 'the HTTP app saw neither request');
    // tcp_proxy connects to the app as soon as Envoy accepts a connection, before the TLS
    // handshake; what the caller sent never reaches it (it would come back echoed).
    assert.equal(await refusal(tcpExchange(strict.cache.inboundPort, 'plaintext')), 'refused: a TLS alert');
  });

  test('PERMISSIVE: a plaintext caller and a sidecar both reach the apps; only the sidecar speaks TLS', async () => {
    const direct = await httpRequest(permissive.web.inboundPort, '/plaintext');
    assert.equal(direct.status, 200, direct.body);
    assert.equal(direct.headers['x-app'], 'p-web');
    const viaSidecar = await httpRequest(outboundPort(permissive.client, 'p-web'), '/over-mtls');
    assert.equal(viaSidecar.status, 200, viaSidecar.body);
    assert.equal(viaSidecar.headers['x-app'], 'p-web');

    const start = (await handshakes(permissive.cache)) ?? 0;
    assert.equal(await tcpExchange(permissive.cache.inboundPort, 'plain'), 'p-cache:plain');
    assert.equal(await handshakes(permissive.cache), start, 'the plaintext connection took the chain without TLS');
    assert.equal(await tcpExchange(outboundPort(permissive.client, 'p-cache'), 'secured'), 'p-cache:secured');
    assert.equal(await handshakes(permissive.cache), start + 1, "the sidecar's connection was mTLS");
    assert.match(
      await refusal(tlsWithoutCertificate(permissive.web.inboundPort, 'p-web')),
      /^refused: /,
      'TLS still requires a mesh certificate',
    );
  });

  test(`certificates living ${CERT_LIFETIME_S} s rotate under steady HTTP and TCP traffic without a failed request`, async () => {
    const sidecars = [strict.web.sidecar, strict.cache.sidecar, strict.client];
    const presented = async () => Promise.all(sidecars.map(async (s) => (await presentedCertificates(s)) ?? []));
    const http = startHttpLoad(outboundPort(strict.client, 's-web'), { concurrency: 2 });
    const tcp = startTcpLoad(outboundPort(strict.client, 's-cache'), { concurrency: 2 });
    let first: CertificateDetails[][] = [];
    let rotated: CertificateDetails[][] = [];
    try {
      await waitFor(
        'traffic to flow',
        () => (http.outcomes().length >= 50 && tcp.outcomes().length >= 50 ? true : undefined),
        30_000,
      );
      first = await presented();
      for (const [i, certs] of first.entries())
        assert.equal(certs.length, 1, `${sidecars[i]!.name} presents one certificate: ${JSON.stringify(certs)}`);
      // Every sidecar presents a new certificate, and only it.
      rotated = await waitFor(
        () => `every sidecar to present a new certificate (first: ${JSON.stringify(first)})`,
        async () => {
          const now = await presented();
          return now.every((certs, i) => certs.length === 1 && certs[0]!.serial !== first[i]![0]!.serial)
            ? now
            : undefined;
        },
        (CERT_LIFETIME_S + 30) * 1_000,
      );
      // Traffic keeps going on the new certificates: each new TCP connection is a new handshake.
      const rotatedAt = Date.now();
      await waitFor(
        '200 TCP exchanges started after the rotation',
        () => (tcp.outcomes().filter((o) => o.startedAt > rotatedAt).length >= 200 ? true : undefined),
        30_000,
      );
    } finally {
      await Promise.all([http.stop(), tcp.stop()]);
    }
    const outcomes = [...http.outcomes(), ...tcp.outcomes()];
    const failures = outcomes.filter(failed);
    assert.deepEqual(
      failures.slice(0, 5),
      [],
      `${failures.length} of ${outcomes.length} requests failed: ${JSON.stringify(tallyByApp(outcomes))}`,
    );
    assert.deepEqual(tallyByApp(http.outcomes()), { 's-web': http.outcomes().length });
    assert.deepEqual(tallyByApp(tcp.outcomes()), { 's-cache': tcp.outcomes().length });
    const gaps: number[] = [];
    for (const [i, [before]] of first.entries()) {
      const [now] = rotated[i]!;
      assert.ok(
        Date.parse(now!.expiresAt) > Date.parse(before!.expiresAt),
        `${sidecars[i]!.name}: the new certificate expires later (${before!.expiresAt} -> ${now!.expiresAt})`,
      );
      const lifetimeS = (Date.parse(now!.expiresAt) - Date.parse(now!.validFrom)) / 1000;
      assert.equal(
        lifetimeS,
        CERT_LIFETIME_S + 60,
        `${sidecars[i]!.name}: valid ${CERT_LIFETIME_S} s from issuance, plus a minute back for clock skew`,
      );
      assert.deepEqual(now!.uris, before!.uris, 'the same identity');
      gaps.push((Date.parse(now!.validFrom) - Date.parse(before!.validFrom)) / 1000);
    }
    console.log(
      `rotation: ${http.outcomes().length} HTTP requests and ${tcp.outcomes().length} TCP connections, ${failures.length} failed; ` +
        `issued ${gaps.join(' s, ')} s apart; serials ${first.map((c, i) => `${sidecars[i]!.name} ${c[0]!.serial} -> ${rotated[i]![0]!.serial}`).join(', ')}`,
    );
  });
});
