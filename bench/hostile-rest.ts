/**
 * Hostile REST input against a real `koguma cp run` on its default store
 * (embedded PostgreSQL): many seeded hostile requests (the fuzz tests'
 * generator: too deep, too wide, too big, NUL, wrong types, out of range,
 * malformed), sent a few at a time. Counts the answers by status, the 5xx, the
 * answers that are not a refusal, and whether the process is still serving.
 *
 *   node dist/bench/hostile-rest.js [--requests 10000] [--concurrency 8] [--seed 424242] [--write-docs]
 *
 * `--write-docs` puts the figures in docs/benchmarks.md between the
 * hostile-rest markers. Everything on 127.0.0.1, every wait bounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { kindRegistry } from '../src/cp/catalogue.js';
import { hostileRequests, type HostileRequest } from '../test/api/fuzz-generator.js';
import { nowMs } from './xds/clock.js';
import { writeDocsSection } from './docs-section.js';
import { startEmbeddedControlPlane } from './xds/embedded-control-plane.js';
import { loadAverage, rssBytes } from './xds/processes.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '8' },
    seed: { type: 'string', default: '424242' },
    'write-docs': { type: 'boolean', default: false },
  },
});
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const total = Number(values.requests);
const concurrency = Number(values.concurrency);
const seed = Number(values.seed);
const plurals = new Map(kindRegistry.kinds.map((kind) => [kind.name, kind.plural]));

const dataDir = mkdtempSync(join(tmpdir(), 'koguma-bench-hostile-'));
const cp = await startEmbeddedControlPlane({ cli, dataDir, logLevel: 'error' });
const { apiUrl } = cp;
const loadBefore = loadAverage();
const rssBefore = rssBytes(cp.pid);

const byStatus = new Map<number, number>();
const notRefusals: string[] = [];

async function send(request: HostileRequest): Promise<void> {
  try {
    const response = await fetch(apiUrl + request.url, {
      method: request.method,
      ...(request.body === undefined
        ? {}
        : { body: request.body, headers: { 'content-type': request.contentType ?? 'application/json' } }),
      signal: AbortSignal.timeout(60_000),
    });
    await response.arrayBuffer();
    byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1);
    if (response.status < 400 || response.status >= 500) notRefusals.push(`${request.mutation}: ${response.status}`);
  } catch (error) {
    notRefusals.push(`${request.mutation}: ${(error as Error).message}`);
  }
}

const CATEGORIES = [
  'deep JSON',
  'deep YAML',
  'NUL',
  'lone surrogate',
  'odd Unicode',
  'huge',
  'unknown keys',
  'wrong items',
  'list of',
  'in place of',
  'malformed JSON',
  'body of',
  'GET',
];
/** The kind of breakage a generated request carries, to say what the run was made of. */
function categoryOf(mutation: string): string {
  const what = mutation.replace(/^\w+: /, '');
  return CATEGORIES.find((category) => what.startsWith(category) || what.includes(` ${category} `)) ?? 'other';
}

const started = nowMs();
const queue = hostileRequests(seed, total, plurals);
const mutations = new Map<string, number>();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (let next = queue.next(); !next.done; next = queue.next()) {
      const category = categoryOf(next.value.mutation);
      mutations.set(category, (mutations.get(category) ?? 0) + 1);
      await send(next.value);
    }
  }),
);
const elapsedS = (nowMs() - started) / 1000;
const alive =
  !cp.exited() &&
  (await fetch(`${apiUrl}/`).then(
    (r) => r.ok,
    () => false,
  ));
const rssAfter = rssBytes(cp.pid);
const fiveHundreds = [...byStatus].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const lines = [
  `| ${total} hostile requests, ${concurrency} at a time, seed ${seed} | |`,
  '|---|---|',
  `| answers by status | ${[...byStatus]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ')} |`,
  `| 5xx | ${fiveHundreds} |`,
  `| answers that are not a 4xx (or no answer) | ${notRefusals.length} |`,
  `| control plane still serving afterwards | ${alive ? 'yes' : 'no'} |`,
  `| duration | ${elapsedS.toFixed(1)} s (${(total / elapsedS).toFixed(0)} requests/s) |`,
  `| control plane RSS before → after | ${mib(rssBefore)} → ${mib(rssAfter)} MiB |`,
  '',
  `Mutations: ${[...mutations]
    .sort(([, a], [, b]) => b - a)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ')}.`,
  '',
  `${cpus().length} CPUs, node ${process.version}, load average ${loadBefore} before, ${loadAverage()} after; ${new Date().toISOString().slice(0, 10)}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
for (const line of notRefusals.slice(0, 20)) log(`not a refusal: ${line}`);

await cp.stop();
rmSync(dataDir, { recursive: true, force: true });

if (values['write-docs']) await writeDocsSection('hostile-rest', lines.join('\n'));
process.exitCode = alive && notRefusals.length === 0 ? 0 : 1;
