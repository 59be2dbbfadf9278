/**
 * What TLS costs the DP server: N data planes connecting at once, with and
 * without TLS, against a real `koguma cp run` child. Each connection is an
 * HTTP/2 session (as Envoy's and the relay's are) that counts as connected
 * once the server's SETTINGS arrive, i.e. after the TLS handshake and the
 * HTTP/2 preface. Reported: connections per second, connect latency, and
 * the control plane's CPU time per connection (from /proc, so the clients'
 * own work in this process is not counted).
 *
 *   node dist/bench/dp-tls-handshake.js [--connections 2000] [--concurrency 200] [--repeats 3]
 *
 * Run on purpose, on a quiet machine; everything is on 127.0.0.1.
 */
import http2 from 'node:http2';
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nowMs } from './xds/clock.js';
import { cpuMs, startControlPlane } from './xds/processes.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '200' },
    repeats: { type: 'string', default: '3' },
  },
});
const connections = Number(values.connections);
const concurrency = Number(values.concurrency);
const repeats = Number(values.repeats);

/** One HTTP/2 session, resolved with its connect latency once the server's SETTINGS arrived. */
function connect(url: string, ca: string | undefined, sessions: http2.ClientHttp2Session[]): Promise<number> {
  const started = nowMs();
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, ca === undefined ? {} : { ca });
    sessions.push(session);
    session.once('remoteSettings', () => resolve(nowMs() - started));
    session.once('error', reject);
  });
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

interface Round {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuPerConnectionMs: number;
}

async function round(tls: boolean): Promise<Round> {
  const dataDir = mkdtempSync(join(tmpdir(), 'koguma-bench-tls-'));
  const cp = await startControlPlane(tls ? { tlsDataDir: dataDir } : {});
  const sessions: http2.ClientHttp2Session[] = [];
  try {
    const ca = tls ? readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8') : undefined;
    // One connection first, so lazy initialisation is not in the figures.
    await connect(cp.xdsUrl, ca, sessions);
    const cpuBefore = cpuMs(cp.pid);
    const started = nowMs();
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < connections) {
          next += 1;
          latencies.push(await connect(cp.xdsUrl, ca, sessions));
        }
      }),
    );
    const elapsedMs = nowMs() - started;
    const cpu = cpuMs(cp.pid) - cpuBefore;
    latencies.sort((a, b) => a - b);
    return {
      perSecond: (connections * 1000) / elapsedMs,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpuPerConnectionMs: cpu / connections,
    };
  } finally {
    for (const session of sessions) session.destroy();
    await cp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  console.log(
    `dp-tls-handshake: ${connections} connections, ${concurrency} at a time, ${repeats} repeats; ${cpus().length} CPUs, node ${process.version}`,
  );
  console.log('| DP server | connections/s | connect p50 ms | connect p99 ms | CP CPU ms per connection |');
  console.log('|---|---|---|---|---|');
  for (const tls of [false, true]) {
    const rounds: Round[] = [];
    for (let i = 0; i < repeats; i++) rounds.push(await round(tls));
    const m = (pick: (r: Round) => number, digits: number) => median(rounds.map(pick)).toFixed(digits);
    console.log(
      `| ${tls ? 'TLS 1.3, ECDSA P-256' : 'plaintext (h2c)'} | ${m((r) => r.perSecond, 0)} | ${m((r) => r.p50, 1)} | ${m((r) => r.p99, 1)} | ${m((r) => r.cpuPerConnectionMs, 3)} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
