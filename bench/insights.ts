/**
 * Insights: what one proxy status change costs, end to end through a store,
 * with many dataplanes in the mesh, and what a burst costs.
 *
 *   node dist/bench/insights.js [--dataplanes 1000] [--repeats 200] [--store memory,pglite]
 *
 *   store up ─► mesh + N dataplanes ─► InsightIndex.start (initial load)
 *     ─► burst: one write of N DataplaneInsight records (N proxies connect at once, one flush)
 *          latency: write called → the index counts all N online; cost: index CPU per record
 *     ─► single: R × one record written (a proxy's ACK) → the index has applied it
 *          latency per change (median, p99); index CPU per change; store reads per change
 *
 * In process, so the index's own cost is measured apart from HTTP and xDS;
 * the writer side is the InsightRecorder's one `writeRecords` call per flush.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { InsightIndex } from '../src/insights/index.js';
import { createStore, type ResourceStore } from '../src/store/index.js';

const { values } = parseArgs({
  options: {
    dataplanes: { type: 'string', default: '1000' },
    repeats: { type: 'string', default: '200' },
    store: { type: 'string', default: 'memory,pglite' },
  },
});
const dataplanes = Number(values.dataplanes);
const repeats = Number(values.repeats);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const subscription = (generation: number) => ({
  id: 'sotw-1',
  controlPlaneInstanceId: 'bench',
  connectTime: new Date(0).toISOString(),
  status: { lastUpdateTime: new Date().toISOString(), total: { responsesSent: String(generation) } },
  generation,
});

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Counts store reads (what a change costs the index in round trips). */
function counted(store: ResourceStore): { store: ResourceStore; reads: () => number } {
  let reads = 0;
  return {
    store: { ...store, get: (key) => ((reads += 1), store.get(key)), list: (q) => ((reads += 1), store.list(q)) },
    reads: () => reads,
  };
}

async function applied(store: ResourceStore, index: InsightIndex): Promise<void> {
  await store.delivered(await store.head());
  await index.settled();
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function run(type: 'memory' | 'pglite'): Promise<string> {
  const raw = await createStore({ type });
  try {
    await raw.create({ kind: 'Mesh', mesh: '', name: 'bench', labels: {}, spec: {} });
    const names = Array.from({ length: dataplanes }, (_, i) => `dp-${i}`);
    for (let i = 0; i < names.length; i += 500) {
      await raw.createAll(
        names.slice(i, i + 500).map((name, j) => ({
          kind: 'Dataplane',
          mesh: 'bench',
          name,
          labels: {},
          spec: {
            networking: {
              address: '10.0.0.1',
              inbound: [{ port: 8080, tags: { 'kuma.io/service': `svc-${(i + j) % 100}` } }],
            },
          },
        })),
      );
    }
    const { store, reads } = counted(raw);
    const index = new InsightIndex({ store, kinds: ['Dataplane', 'MeshTimeout'] });
    let t = performance.now();
    await index.start();
    const loadMs = performance.now() - t;

    // Burst: every proxy connects within one flush.
    const keys = names.map((name) => ({ mesh: 'bench', name }));
    let cpu = cpuMs();
    t = performance.now();
    await raw.writeRecords('DataplaneInsight', keys, () => ({ spec: { subscriptions: [subscription(1)] } }));
    const writeMs = performance.now() - t;
    await applied(raw, index);
    const burstMs = performance.now() - t;
    const burstCpu = cpuMs() - cpu;
    const online = index.mesh('bench')?.aggregate.dataplanes.online;
    if (online !== dataplanes) throw new Error(`burst: ${online} of ${dataplanes} online`);

    // Single changes: one proxy's ACK at a time.
    const latencies: number[] = [];
    const readsBefore = reads();
    cpu = cpuMs();
    for (let r = 0; r < repeats; r += 1) {
      const key = keys[r % keys.length]!;
      t = performance.now();
      await raw.writeRecords('DataplaneInsight', [key], () => ({ spec: { subscriptions: [subscription(r + 2)] } }));
      await applied(raw, index);
      latencies.push(performance.now() - t);
    }
    const singleCpu = (cpuMs() - cpu) / repeats;
    const readsPerChange = (reads() - readsBefore) / repeats;
    latencies.sort((a, b) => a - b);
    index.stop();
    const f = (n: number) => n.toFixed(2);
    return (
      `| ${type} | ${dataplanes} | ${f(loadMs)} | ${f(writeMs)} | ${f(burstMs)} | ${f((burstCpu * 1000) / dataplanes)} ` +
      `| ${f(quantile(latencies, 0.5))} | ${f(quantile(latencies, 0.99))} | ${f(singleCpu)} | ${readsPerChange} |`
    );
  } finally {
    await raw.close();
  }
}

async function main(): Promise<void> {
  log(`insights: ${dataplanes} dataplanes, ${repeats} single changes, node ${process.version}`);
  const rows: string[] = [];
  for (const type of String(values.store).split(',')) rows.push(await run(type === 'pglite' ? 'pglite' : 'memory'));
  console.log(
    '| store | dataplanes | initial load ms | burst write ms | burst applied ms | CPU µs per record | one change p50 ms | p99 ms | CPU ms per change | store reads per change |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
