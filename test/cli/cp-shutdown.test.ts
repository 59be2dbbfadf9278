/**
 * `koguma cp run` stopping under load (SIGTERM): every REST request in flight
 * gets its normal answer, and its write is in the store afterwards, or a 503
 * in Kuma's error format, and then nothing is written; no request is reset.
 * ADS streams are served until the REST requests are done and then end with
 * UNAVAILABLE. A request that cannot finish is cut once --shutdown-timeout has
 * passed, and the process still exits 0.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { AggregatedDiscoveryService } from '../../src/xds/envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import {
  DiscoveryRequestSchema,
  type DiscoveryRequest,
} from '../../src/xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { pushable, reader } from '../xds-server/support.js';
import { apiGet, exitWithin, killAll, spawnControlPlane, testDataDir, type CpProcess } from './harness.js';

after(() => killAll());

type Outcome =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly body: string;
      readonly connection: string | undefined;
      readonly reused: boolean;
    }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

interface Sent {
  /**
   * Resolves once the whole request has been handed to the socket; for a
   * held one, once the server has taken it in (its 100 Continue) and the
   * first half of the body is sent.
   */
  readonly written: Promise<void>;
  readonly outcome: Promise<Outcome>;
}

const dataplane = (name: string, port: number): string =>
  JSON.stringify({
    type: 'Dataplane',
    mesh: 'default',
    name,
    networking: { address: '127.0.0.1', inbound: [{ port, tags: { 'kuma.io/service': name } }] },
  });

/**
 * Sends one request over `agent`. With `hold`, the request asks for a 100
 * Continue, so the server has it before `written` resolves, and its body
 * goes in two halves, the second once `hold` resolves: the request stays in
 * flight on the server for as long as the test wants.
 */
function send(agent: http.Agent, url: string, method: string, body: string, hold?: Promise<void>): Sent {
  let written!: () => void;
  const writtenPromise = new Promise<void>((resolve) => (written = resolve));
  const outcome = new Promise<Outcome>((resolve) => {
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...(hold ? { expect: '100-continue' } : {}),
    };
    const request = http.request(url, { method, agent, headers });
    request.setTimeout(60_000, () => request.destroy(new Error('no answer within 60 s')));
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({
          kind: 'answer',
          status: response.statusCode ?? 0,
          body: text,
          connection: response.headers.connection,
          reused: request.reusedSocket,
        }),
      );
      response.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ kind: 'failed', code: error.code ?? 'ERROR', message: error.message }),
      );
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      written();
      resolve({ kind: 'failed', code: error.code ?? 'ERROR', message: error.message });
    });
    if (hold === undefined) {
      request.end(body, () => written());
      return;
    }
    const half = Math.floor(body.length / 2);
    request.once('continue', () => {
      request.write(body.slice(0, half), () => written());
      void hold.then(() => request.end(body.slice(half)));
    });
    request.flushHeaders();
  });
  return { written: writtenPromise, outcome };
}

/** Resolves once the child has printed a line matching `pattern`; rejects after `ms`. */
function printed(cp: CpProcess, pattern: RegExp, ms = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!pattern.test(cp.output())) return;
      clearTimeout(timer);
      cp.child.stdout?.off('data', check);
      resolve();
    };
    const timer = setTimeout(() => {
      cp.child.stdout?.off('data', check);
      reject(new Error(`cp run did not print ${String(pattern)} within ${ms} ms:\n${cp.output().slice(-3_000)}`));
    }, ms);
    cp.child.stdout?.on('data', check);
    check();
  });
}

const unavailableBody = (body: string): boolean => {
  const parsed = JSON.parse(body) as { type?: string; status?: number; title?: string; detail?: string };
  return (
    parsed.type === '/std-errors' &&
    parsed.status === 503 &&
    parsed.title === 'Unavailable' &&
    /shutting down/.test(parsed.detail ?? '')
  );
};

test(
  'SIGTERM under load: every request in flight is answered or gets a 503, none is reset; ADS streams end after, with UNAVAILABLE',
  { timeout: 180_000 },
  async () => {
    const dataDir = testDataDir();
    const flags = [
      '--store',
      'pglite',
      '--data-dir',
      dataDir,
      '--dp-auth',
      'none',
      '--xds-tls',
      'false',
      '--shutdown-timeout',
      '60s',
    ];
    const cp = await spawnControlPlane(flags, 60_000);
    const xdsUrl = /"xdsUrl":"([^"]+)"/.exec(cp.output())?.[1];
    assert.ok(xdsUrl !== undefined, cp.output());

    // A proxy with an open ADS stream.
    const probe = send(
      new http.Agent(),
      `${cp.apiUrl}/meshes/default/dataplanes/ads-probe`,
      'PUT',
      dataplane('ads-probe', 9000),
    );
    assert.equal((await probe.outcome).kind, 'answer');
    const ads = createClient(AggregatedDiscoveryService, createGrpcTransport({ baseUrl: xdsUrl }));
    const adsRequests = pushable<DiscoveryRequest>();
    const adsResponses = reader(ads.streamAggregatedResources(adsRequests.iterable));
    adsRequests.push(create(DiscoveryRequestSchema, { node: { id: 'default.ads-probe' }, typeUrl: TypeUrl.Cluster }));
    await adsResponses.next(30_000);

    // A kept-alive connection that is idle when the signal comes.
    const idleAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const warm = await apiGet(cp.apiUrl, '/');
    assert.equal(warm.status, 200);
    const warmOnIdle = await send(
      idleAgent,
      `${cp.apiUrl}/meshes/default/dataplanes/warm`,
      'PUT',
      dataplane('warm', 9001),
    ).outcome;
    assert.equal(warmOnIdle.kind, 'answer');

    // Many PUTs, each on a connection of its own, and a few that stay in flight until released.
    const agent = new http.Agent({ keepAlive: true });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const names = Array.from({ length: 120 }, (_, i) => `burst-${i}`);
    const burst = names.map((name, i) =>
      send(agent, `${cp.apiUrl}/meshes/default/dataplanes/${name}`, 'PUT', dataplane(name, 10_000 + i)),
    );
    const slowNames = ['slow-0', 'slow-1', 'slow-2'];
    const slow = slowNames.map((name, i) =>
      send(
        new http.Agent(),
        `${cp.apiUrl}/meshes/default/dataplanes/${name}`,
        'PUT',
        dataplane(name, 11_000 + i),
        released,
      ),
    );
    await Promise.all([...burst, ...slow].map((sent) => sent.written));

    cp.child.kill('SIGTERM');
    await printed(cp, /REST API draining/);

    // A new request on the idle kept-alive connection: refused with a 503 in Kuma's format, and the connection closed.
    const late = await send(idleAgent, `${cp.apiUrl}/meshes/default/dataplanes/late`, 'PUT', dataplane('late', 9002))
      .outcome;
    assert.equal(late.kind, 'answer', JSON.stringify(late));
    assert.ok(late.kind === 'answer');
    assert.equal(late.reused, true, 'the request went over the idle kept-alive connection');
    assert.equal(late.status, 503, late.body);
    assert.ok(unavailableBody(late.body), late.body);
    assert.equal(late.connection, 'close');

    // The ADS stream is still served while REST requests are in flight.
    let adsEnded = false;
    const adsEnd = adsResponses.ended(60_000).then((error) => {
      adsEnded = true;
      return error;
    });
    release();
    const slowOutcomes = await Promise.all(slow.map((sent) => sent.outcome));
    assert.equal(adsEnded, false, 'ADS streams end only after the REST requests in flight');
    for (const outcome of slowOutcomes) {
      assert.equal(outcome.kind, 'answer', JSON.stringify(outcome));
      assert.ok(outcome.kind === 'answer' && outcome.status >= 200 && outcome.status < 300, JSON.stringify(outcome));
    }
    const adsError = await adsEnd;
    adsRequests.end();
    assert.ok(adsError instanceof ConnectError, `the ADS stream ended with ${String(adsError)}`);
    assert.equal(adsError.code, Code.Unavailable);

    const burstOutcomes = await Promise.all(burst.map((sent) => sent.outcome));
    const failed = burstOutcomes.filter((outcome) => outcome.kind === 'failed');
    assert.deepEqual(failed, [], 'no request was reset');
    const statuses = new Map<number, number>();
    for (const outcome of burstOutcomes)
      if (outcome.kind === 'answer') statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
    for (const [status] of statuses)
      assert.ok((status >= 200 && status < 300) || status === 503, `unexpected status ${status}`);
    for (const outcome of burstOutcomes)
      if (outcome.kind === 'answer' && outcome.status === 503) assert.ok(unavailableBody(outcome.body), outcome.body);
    assert.equal(await exitWithin(cp.exited, 60_000), 0, cp.output());

    // What was acknowledged is in the store; what was refused is not.
    const again = await spawnControlPlane(['--store', 'pglite', '--data-dir', dataDir], 60_000);
    try {
      const expected = [
        ...names.map((name, i) => [name, burstOutcomes[i]!] as const),
        ...slowNames.map((name, i) => [name, slowOutcomes[i]!] as const),
        ['late', late] as const,
      ];
      for (const [name, outcome] of expected) {
        const stored = await apiGet(again.apiUrl, `/meshes/default/dataplanes/${name}`);
        const acknowledged = outcome.kind === 'answer' && outcome.status < 300;
        assert.equal(
          stored.status,
          acknowledged ? 200 : 404,
          `${name}: answered ${outcome.kind === 'answer' ? outcome.status : outcome.code}, stored ${stored.status}`,
        );
      }
    } finally {
      again.child.kill('SIGTERM');
      await exitWithin(again.exited, 30_000);
    }
  },
);

test(
  'a request still in flight when --shutdown-timeout has passed is cut, and cp run exits 0',
  { timeout: 60_000 },
  async () => {
    const cp = await spawnControlPlane(['--store', 'memory', '--shutdown-timeout', '500ms']);
    const never = new Promise<void>(() => undefined);
    const stuck = send(
      new http.Agent(),
      `${cp.apiUrl}/meshes/default/dataplanes/stuck`,
      'PUT',
      dataplane('stuck', 9000),
      never,
    );
    await stuck.written;
    cp.child.kill('SIGTERM');
    assert.equal(await exitWithin(cp.exited, 30_000), 0, cp.output());
    const outcome = await stuck.outcome;
    assert.equal(outcome.kind, 'failed', JSON.stringify(outcome));
    assert.match(cp.output(), /1 REST request.* still in flight after 500 ms/);
  },
);
