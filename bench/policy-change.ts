/**
 * Policy changes: how long one policy change takes to reach every proxy it
 * affects, and what it costs the control plane per proxy rebuilt, in a mesh
 * that carries many policies.
 *
 *   node dist/bench/policy-change.js [--proxies 1000] [--services 200] [--policies 1000]
 *     [--protocol sotw|delta] [--repeats 5] [--workers 2]
 *
 *   cp up ─► PUT dataplanes ─► N clients connect ─► PUT K mixed policies ─► settle
 *        ─► R × PUT a MeshTimeout (Mesh → MeshService svc-j, http.requestTimeout)
 *             latency: PUT answered → every consumer of svc-j ACKed its new RouteConfiguration
 *             cost: control-plane CPU until idle, / proxies the change rebuilds (all N: it selects the Mesh)
 *
 * Same clients, topology and processes as xds-convergence (bench/xds/*);
 * plaintext DP server; everything on 127.0.0.1, every wait bounded.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { TypeUrl } from '../src/xds/resource-types.js';
import type { XdsProtocol } from './xds/ads-client.js';
import { ClientPool } from './xds/client-pool.js';
import { nowMs, sleep } from './xds/clock.js';
import { measureChange } from './xds/measure.js';
import { mixedPolicies, timeoutTowards } from './xds/policies.js';
import { cpuMs, loadAverage, startControlPlane, waitForQuietMachine } from './xds/processes.js';
import { put, putAll } from './xds/rest.js';
import { ms, summarize } from './xds/stats.js';
import { buildTopology, changeTargets, mesh } from './xds/topology.js';

const { values } = parseArgs({
  options: {
    proxies: { type: 'string', default: '1000' },
    services: { type: 'string', default: '200' },
    policies: { type: 'string', default: '1000' },
    protocol: { type: 'string', default: 'delta' },
    repeats: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
  },
});
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const proxies = Number(values.proxies);
const policyCount = Number(values.policies);
const repeats = Number(values.repeats);
const protocol = (values.protocol === 'sotw' ? 'sotw' : 'delta') as XdsProtocol;

async function main(): Promise<void> {
  log(`policy-change: ${cpus().length} CPUs, node ${process.version}, ${new Date().toISOString()}`);
  const busyBefore = await waitForQuietMachine(0.25, 180_000);
  const topology = buildTopology({ proxies, services: Number(values.services), endpointsPerService: 3, outboundsPerClient: 4, seed: 42 });
  const cp = await startControlPlane();
  let pool: ClientPool | undefined;
  try {
    await putAll(cp.apiUrl, topology.dataplanes, 64);
    pool = new ClientPool({ url: cp.xdsUrl, protocol, nodeIds: topology.clients.map((c) => `${mesh}.${c}`), workers: Number(values.workers), connectRate: 1000, gzip: true });
    await pool.start();
    await pool.waitSettled(300_000);
    const policiesMs = await putAll(cp.apiUrl, mixedPolicies(policyCount, topology.services, 7), 32);
    await pool.waitSettled(300_000);
    log(`  ${proxies} clients connected; ${policyCount} policies PUT in ${policiesMs.toFixed(0)} ms`);
    await sleep(1_000);

    const latencies: number[] = [];
    const cpu: number[] = [];
    const affected: number[] = [];
    let missing = 0;
    // One unmeasured change first (JIT warm-up), then the measured ones.
    const targets = changeTargets(topology, repeats + 1);
    for (const [r, service] of targets.entries()) {
      const expected = topology.consumers.get(service)!;
      const cpuBefore = cpuMs(cp.pid);
      const result = await measureChange({
        pool,
        trigger: async () => (await put(cp.apiUrl, timeoutTowards(service, r))).answeredAt,
        expected,
        typeUrl: TypeUrl.RouteConfiguration,
        timeoutMs: 60_000,
        settleMs: 500,
      });
      const spent = cpuMs(cp.pid) - cpuBefore;
      log(`  ${r === 0 ? 'warm-up' : `change ${r}`}: ${service}, ${expected.length} affected, max ${ms(Math.max(...result.latencies))} ms, missing ${result.missing}, CP CPU ${spent} ms`);
      if (r === 0) continue;
      latencies.push(...result.latencies);
      cpu.push(spent);
      affected.push(expected.length);
      missing += result.missing;
    }
    const summary = summarize(latencies.filter(Number.isFinite));
    const cpuPerChange = cpu.reduce((a, b) => a + b, 0) / cpu.length;
    process.stdout.write(
      [
        `| N | M | policies | xDS | affected per change | p50 ms | p99 ms | max ms | missing | CP CPU ms per change | CP CPU µs per proxy rebuilt | busy before / load 1m |`,
        `|---|---|---|---|---|---|---|---|---|---|---|---|`,
        `| ${proxies} | ${values.services} | ${policyCount} | ${protocol} | ${Math.min(...affected)}–${Math.max(...affected)} | ${ms(summary.p50)} | ${ms(summary.p99)} | ${ms(summary.max)} | ${missing} | ${cpuPerChange.toFixed(0)} | ${((cpuPerChange * 1000) / proxies).toFixed(0)} | ${(busyBefore * 100).toFixed(0)}% / ${loadAverage().split(' ')[0]} |`,
        '',
        `Latency: ms from the PUT's response to each affected client's ACK of its new RouteConfiguration; ${cpu.length} changes, nearest-rank percentiles.`,
        `CPU: control-plane CPU (10 ms ticks) from the change until the last affected ACK plus 0.5 s, divided by the ${proxies} proxies the change rebuilds (its top-level targetRef is the Mesh).`,
        '',
      ].join('\n'),
    );
  } finally {
    await pool?.stop();
    await cp.stop();
  }
}

const started = nowMs();
main().then(
  () => log(`done in ${((nowMs() - started) / 1000).toFixed(0)} s`),
  (error: unknown) => {
    log(`policy-change failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
