/**
 * Policy changes: how long one policy change takes to reach every proxy it
 * affects, and what it costs the control plane per proxy rebuilt, in a mesh
 * that carries many policies.
 *
 *   node dist/bench/policy-change.js [--proxies 1000] [--services 200] [--policies 1000]
 *     [--protocol sotw|delta] [--repeats 5] [--workers 2] [--cpu-prof <dir>]
 *
 *   cp up ─► PUT dataplanes ─► N clients connect ─► PUT K mixed policies ─► settle
 *        ─► R × PUT a MeshTimeout (Mesh → MeshService svc-j, http.requestTimeout): the consumers of svc-j
 *        ─► R × PUT a MeshTimeout (Mesh → Mesh, http.requestTimeout): every proxy
 *             latency: PUT answered → every affected client ACKed its new RouteConfiguration
 *             cost: control-plane CPU until the last ACK + 0.5 s, / proxies rebuilt
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
import { mixedPolicies, timeoutTowards, timeoutTowardsAll, type PolicyDocument } from './xds/policies.js';
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
    'cpu-prof': { type: 'string' },
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
  const topology = buildTopology({
    proxies,
    services: Number(values.services),
    endpointsPerService: 3,
    outboundsPerClient: 4,
    seed: 42,
  });
  const cp = await startControlPlane(values['cpu-prof'] ? { cpuProfileDir: values['cpu-prof'] } : {});
  let pool: ClientPool | undefined;
  try {
    await putAll(cp.apiUrl, topology.dataplanes, 64);
    pool = new ClientPool({
      url: cp.xdsUrl,
      protocol,
      nodeIds: topology.clients.map((c) => `${mesh}.${c}`),
      workers: Number(values.workers),
      connectRate: 1000,
      gzip: true,
    });
    await pool.start();
    await pool.waitSettled(300_000);
    const policiesMs = await putAll(cp.apiUrl, mixedPolicies(policyCount, topology.services, 7), 32);
    await pool.waitSettled(300_000);
    log(`  ${proxies} clients connected; ${policyCount} policies PUT in ${policiesMs.toFixed(0)} ms`);
    await sleep(1_000);

    const rows: string[] = [];
    const everyone = topology.clients.map((_, i) => i);
    // (1) towards one service: the proxies that call it. (2) towards every service: every proxy.
    const targets = changeTargets(topology, repeats + 1);
    rows.push(
      await phase(
        'one service',
        (r) => timeoutTowards(targets[r]!, r),
        (r) => topology.consumers.get(targets[r]!)!,
      ),
    );
    rows.push(
      await phase(
        'every service',
        (r) => timeoutTowardsAll(r),
        () => everyone,
      ),
    );
    process.stdout.write(
      [
        `| N | M | policies | xDS | change | affected (rebuilt) | p50 ms | p99 ms | max ms | missing | CP CPU ms per change | CP CPU µs per proxy rebuilt | busy before / load 1m |`,
        `|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
        ...rows.map(
          (row) =>
            `| ${proxies} | ${values.services} | ${policyCount} | ${protocol} | ${row} | ${(busyBefore * 100).toFixed(0)}% / ${loadAverage().split(' ')[0]} |`,
        ),
        '',
        `Latency: ms from the PUT's response to each affected client's ACK of its new RouteConfiguration; ${repeats} changes per row after one unmeasured, nearest-rank percentiles.`,
        'CPU: control-plane CPU (10 ms ticks) from the change until the last affected ACK plus 0.5 s, divided by the proxies the change rebuilt.',
        '',
      ].join('\n'),
    );

    /** R + 1 changes (the first unmeasured); one table row. */
    async function phase(
      label: string,
      documentFor: (r: number) => PolicyDocument,
      expectedFor: (r: number) => readonly number[],
    ): Promise<string> {
      const latencies: number[] = [];
      const cpu: number[] = [];
      const affected: number[] = [];
      let missing = 0;
      for (let r = 0; r <= repeats; r++) {
        const expected = expectedFor(r);
        const cpuBefore = cpuMs(cp.pid);
        const result = await measureChange({
          pool: pool!,
          trigger: async () => (await put(cp.apiUrl, documentFor(r))).answeredAt,
          expected,
          typeUrl: TypeUrl.RouteConfiguration,
          timeoutMs: 60_000,
          settleMs: 500,
        });
        const spent = cpuMs(cp.pid) - cpuBefore;
        log(
          `  ${label}, ${r === 0 ? 'warm-up' : `change ${r}`} @${((nowMs() - cp.startedAt) / 1000).toFixed(1)} s: ${expected.length} affected, max ${ms(Math.max(...result.latencies))} ms, missing ${result.missing}, unexpected ${result.unexpected}, CP CPU ${spent} ms`,
        );
        if (r === 0) continue;
        latencies.push(...result.latencies);
        cpu.push(spent);
        affected.push(expected.length);
        missing += result.missing;
      }
      const summary = summarize(latencies.filter(Number.isFinite));
      const cpuPerChange = cpu.reduce((a, b) => a + b, 0) / cpu.length;
      const rebuilt = affected.reduce((a, b) => a + b, 0) / affected.length;
      return `${label} | ${Math.min(...affected)}–${Math.max(...affected)} | ${ms(summary.p50)} | ${ms(summary.p99)} | ${ms(summary.max)} | ${missing} | ${cpuPerChange.toFixed(0)} | ${((cpuPerChange * 1000) / rebuilt).toFixed(0)}`;
    }
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
