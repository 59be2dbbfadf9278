/**
 * Convergence with real Envoys: a fleet of Envoy processes, each bootstrapped
 * from the control plane's `POST /bootstrap` as `koguma dp run` would do it,
 * beside the simulated clients of xds-convergence.ts on the same control
 * plane, in one run:
 *
 *   cp up ─► PUT endpoints, simulated clients, Envoy Dataplanes ─► simulated clients connect
 *        ─► Envoys start, in batches (each: /bootstrap ─► envoy -c) ─► all LIVE and ACKed
 *        ─► per Envoy: RSS, PSS, threads, CPU to start, idle CPU over 10 s
 *        ─► R × one-service change (a new endpoint of one service)
 *        ─► R × mesh-wide change (a new endpoint of `hub`, which every proxy calls)
 *        ─► R × mesh-wide policy (a MeshCircuitBreaker on the Mesh: every proxy gets new clusters)
 *
 *   node dist/bench/envoy-convergence.js [--envoys 200] [--clients 1000] [--services 20]
 *     [--repeats 3] [--protocol delta|sotw] [--start-batch 20] [--json <file>]
 *
 * An Envoy's convergence is read from the control plane: the time its ACK of
 * the changed type arrived (`_overview`, `lastAckTime`), minus the time the
 * PUT was answered; Envoy ACKs a response once it has applied it. After each
 * change, every affected Envoy's admin API is asked whether it holds the new
 * endpoint count (`cluster.<service>.membership_total`). The simulated
 * clients are timed as in xds-convergence.ts, from the same PUT.
 *
 * Each Envoy gets an address of its own in 127.0.0.0/8 (Linux routes all of
 * it to loopback) for its listeners and admin API, so no port is shared; the
 * Envoys carry no traffic. Plain Envoy processes rather than `koguma dp run`:
 * the agent adds a Node.js process (about 60 MB) per Envoy, which would
 * measure the agents, not Envoy. Method and results: docs/benchmarks.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { findEnvoy } from '../src/dp/find-envoy.js';
import { TypeUrl } from '../src/xds/resource-types.js';
import type { XdsProtocol } from './xds/ads-client.js';
import { ClientPool } from './xds/client-pool.js';
import { nowMs, sleep } from './xds/clock.js';
import { measureChange } from './xds/measure.js';
import { cpuMs, loadAverage, rssBytes, startControlPlane, type ControlPlane } from './xds/processes.js';
import { put, putAll } from './xds/rest.js';
import { summarize, ms, type Summary } from './xds/stats.js';
import {
  buildTopology,
  endpointDataplane,
  hubEndpoint,
  hubService,
  mesh,
  mulberry32,
  type DataplaneDocument,
} from './xds/topology.js';

const { values } = parseArgs({
  options: {
    envoys: { type: 'string', default: '200' },
    clients: { type: 'string', default: '1000' },
    services: { type: 'string', default: '20' },
    repeats: { type: 'string', default: '3' },
    protocol: { type: 'string', default: 'delta' },
    'start-batch': { type: 'string', default: '20' },
    json: { type: 'string' },
  },
});
const envoyCount = Number(values.envoys);
const clientCount = Number(values.clients);
const serviceCount = Number(values.services);
const repeats = Number(values.repeats);
const protocol: XdsProtocol = values.protocol === 'sotw' ? 'sotw' : 'delta';
const startBatch = Number(values['start-batch']);
const ENDPOINTS = 3;
const OUTBOUNDS = 4;
const CHANGE_TIMEOUT_MS = 120_000;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

// ---- the fleet -------------------------------------------------------------------------------------------

interface FleetEnvoy {
  readonly name: string;
  /** Its own loopback address: listeners and admin API. */
  readonly address: string;
  readonly services: readonly string[];
  child?: ChildProcess;
  pid?: number;
  stderr: string;
}

/** 127.1.x.y for Envoy i, never .0 or .255. */
const addressOf = (i: number): string => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;

function fleetDataplane(envoy: FleetEnvoy): DataplaneDocument {
  return {
    type: 'Dataplane',
    mesh,
    name: envoy.name,
    networking: {
      address: envoy.address,
      inbound: [{ port: 9000, tags: { 'kuma.io/service': 'envoy-client', 'kuma.io/protocol': 'http' } }],
      outbound: envoy.services.map((service, k) => ({
        port: 10001 + k,
        address: envoy.address,
        tags: { 'kuma.io/service': service },
      })),
    } as DataplaneDocument['networking'],
  };
}

function planFleet(services: readonly string[]): FleetEnvoy[] {
  const random = mulberry32(20250101);
  return Array.from({ length: envoyCount }, (_, i) => {
    const chosen = new Set<string>();
    while (chosen.size < Math.min(OUTBOUNDS, services.length))
      chosen.add(services[Math.floor(random() * services.length)]!);
    chosen.add(hubService);
    return { name: `envoy-${i}`, address: addressOf(i), services: [...chosen], stderr: '' };
  });
}

/** /bootstrap for the Envoy, its admin API moved to its own address, written to `dir`. */
async function bootstrapFile(cp: ControlPlane, envoy: FleetEnvoy, dir: string): Promise<string> {
  const response = await fetch(`${cp.xdsUrl}/bootstrap`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mesh, name: envoy.name, proxyType: 'dataplane', xdsTransport: protocol, adminPort: 9901 }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`bootstrap of ${envoy.name}: ${response.status} ${text.slice(0, 300)}`);
  const bootstrap = parseYaml(text) as { admin: { address: { socket_address: { address: string } } } };
  bootstrap.admin.address.socket_address.address = envoy.address;
  const path = join(dir, `${envoy.name}.yaml`);
  writeFileSync(path, stringifyYaml(bootstrap));
  return path;
}

async function adminGet(envoy: FleetEnvoy, path: string): Promise<string | undefined> {
  try {
    const response = await fetch(`http://${envoy.address}:9901${path}`, { signal: AbortSignal.timeout(5_000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

async function startEnvoy(cp: ControlPlane, envoy: FleetEnvoy, binary: string, dir: string): Promise<void> {
  const config = await bootstrapFile(cp, envoy, dir);
  const child = spawn(
    binary,
    ['-c', config, '--concurrency', '1', '--disable-hot-restart', '--drain-time-s', '0', '--log-level', 'error'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr!.on('data', (chunk: Buffer) => (envoy.stderr = (envoy.stderr + chunk.toString()).slice(-2_000)));
  envoy.child = child;
  envoy.pid = child.pid!;
  for (const deadline = nowMs() + 60_000; ;) {
    if (child.exitCode !== null) throw new Error(`${envoy.name} exited: ${envoy.stderr}`);
    if ((await adminGet(envoy, '/ready'))?.trim() === 'LIVE') return;
    if (nowMs() > deadline) throw new Error(`${envoy.name} not LIVE within 60 s: ${envoy.stderr}`);
    await sleep(100);
  }
}

function stopFleet(fleet: readonly FleetEnvoy[]): void {
  for (const envoy of fleet) envoy.child?.kill('SIGKILL');
}

// ---- what Linux and the control plane say -------------------------------------------------------------------

/**
 * From smaps_rollup: PSS (shared pages, Envoy's binary above all, divided
 * among the processes sharing them) and USS (pages of this process alone:
 * what one more Envoy costs).
 */
function smaps(pid: number): { pss: number; uss: number } {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) * 1024;
  return { pss: kb('Pss'), uss: kb('Private_Clean') + kb('Private_Dirty') };
}
/** Tasks (threads) on the machine now, against kernel.pid_max. */
const tasksRunning = (): number =>
  Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[3]?.split('/')[1] ?? Number.NaN);
const pidMax = (): number => Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
const threadsOf = (pid: number): number =>
  Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
const memAvailable = (): number =>
  Number(/^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) * 1024;
const fleetCpu = (fleet: readonly FleetEnvoy[]): number => fleet.reduce((sum, e) => sum + cpuMs(e.pid!), 0);

interface Subscription {
  readonly status: Record<string, { ackedVersion?: string; sentVersion?: string; lastAckTime?: string } | undefined>;
}
interface OverviewItem {
  readonly name: string;
  readonly dataplaneInsight: { readonly connected?: boolean; readonly subscriptions: readonly Subscription[] };
}

async function fleetOverview(cp: ControlPlane): Promise<Map<string, OverviewItem>> {
  const items = new Map<string, OverviewItem>();
  for (let offset = 0; ; offset += 1000) {
    const response = await fetch(
      `${cp.apiUrl}/meshes/${mesh}/dataplanes/_overview?name=envoy-&size=1000&offset=${offset}`,
      { signal: AbortSignal.timeout(30_000) },
    );
    const page = (await response.json()) as { total: number; items: OverviewItem[] };
    for (const item of page.items) items.set(item.name, item);
    if (offset + 1000 >= page.total) return items;
  }
}

/**
 * Per expected Envoy, ms from `t0Wall` (Date.now() of the PUT's answer) to
 * its ACK of the new version of `type` (`cds`, `eds`), polling the overview
 * until each has ACKed what it was last sent after t0, or the timeout.
 */
async function envoyAcks(
  cp: ControlPlane,
  expected: readonly FleetEnvoy[],
  type: string,
  t0Wall: number,
): Promise<{ latencies: number[]; missing: number }> {
  const deadline = nowMs() + CHANGE_TIMEOUT_MS;
  for (;;) {
    const overview = await fleetOverview(cp);
    const latencies = expected.map((envoy) => {
      const state = overview.get(envoy.name)?.dataplaneInsight.subscriptions[0]?.status[type];
      const at = state?.lastAckTime === undefined ? Number.NaN : Date.parse(state.lastAckTime);
      return state?.ackedVersion !== undefined && state.ackedVersion === state.sentVersion && at >= t0Wall
        ? at - t0Wall
        : Number.NaN;
    });
    const missing = latencies.filter(Number.isNaN).length;
    if (missing === 0 || nowMs() > deadline) return { latencies, missing };
    await sleep(250);
  }
}

/** Envoys among `expected` whose admin API does not show `count` endpoints in `cluster`. */
async function notApplied(expected: readonly FleetEnvoy[], cluster: string, count: number): Promise<number> {
  let wrong = 0;
  for (const envoy of expected) {
    const stats = await adminGet(
      envoy,
      `/stats?filter=${encodeURIComponent(`^cluster\\.${cluster}\\.membership_total$`)}`,
    );
    if (stats?.trim() !== `cluster.${cluster}.membership_total: ${count}`) wrong++;
  }
  return wrong;
}

// ---- the run ---------------------------------------------------------------------------------------------------

interface ChangeResult {
  readonly kind: string;
  readonly envoys: Summary;
  readonly envoyMissing: number;
  readonly notApplied: number;
  readonly clients: Summary;
  readonly clientMissing: number;
  /** Envoys' CPU for the change, ms per affected Envoy. */
  readonly envoyCpuMsEach: number;
}

interface Change {
  readonly kind: string;
  readonly document: object & { type: string; mesh: string; name: string };
  readonly envoys: readonly FleetEnvoy[];
  readonly clients: readonly number[];
  readonly type: 'eds' | 'cds';
  /** The cluster whose endpoint count shows the change applied, and that count. */
  readonly applied?: { readonly cluster: string; readonly count: number };
}

async function measure(
  cp: ControlPlane,
  pool: ClientPool,
  fleet: readonly FleetEnvoy[],
  change: Change,
): Promise<ChangeResult> {
  let t0Wall = 0;
  const cpuBefore = fleetCpu(fleet);
  const simulated = await measureChange({
    pool,
    trigger: async () => {
      const { answeredAt } = await put(cp.apiUrl, change.document);
      t0Wall = Date.now();
      return answeredAt;
    },
    expected: change.clients,
    typeUrl: change.type === 'eds' ? TypeUrl.ClusterLoadAssignment : TypeUrl.Cluster,
    timeoutMs: CHANGE_TIMEOUT_MS,
  });
  const acks = await envoyAcks(cp, change.envoys, change.type, t0Wall);
  const envoyCpu = fleetCpu(fleet) - cpuBefore;
  const wrong =
    change.applied === undefined ? 0 : await notApplied(change.envoys, change.applied.cluster, change.applied.count);
  const result: ChangeResult = {
    kind: change.kind,
    envoys: summarize(acks.latencies),
    envoyMissing: acks.missing,
    notApplied: wrong,
    clients: summarize([...simulated.latencies]),
    clientMissing: simulated.missing,
    envoyCpuMsEach: envoyCpu / Math.max(1, change.envoys.length),
  };
  log(
    `  ${change.kind}: ${change.envoys.length} Envoys p50 ${ms(result.envoys.p50)} max ${ms(result.envoys.max)} ms (missing ${acks.missing}, not applied ${wrong}); ` +
      `${change.clients.length} simulated p50 ${ms(result.clients.p50)} max ${ms(result.clients.max)} ms; Envoy CPU ${result.envoyCpuMsEach.toFixed(1)} ms each`,
  );
  return result;
}

async function main(): Promise<void> {
  const binary = findEnvoy(undefined);
  log(
    `envoy-convergence: ${envoyCount} Envoys (${binary}), ${clientCount} simulated clients, ${serviceCount} services, ${protocol}; ${cpus().length} CPUs, load ${loadAverage()}`,
  );
  const topology = buildTopology({
    proxies: clientCount,
    services: serviceCount,
    endpointsPerService: ENDPOINTS,
    outboundsPerClient: OUTBOUNDS,
    seed: 20240601,
  });
  const fleet = planFleet(topology.services);
  const dir = mkdtempSync(join(tmpdir(), 'koguma-envoy-bench-'));
  const cp = await startControlPlane();
  let pool: ClientPool | undefined;
  try {
    await putAll(cp.apiUrl, [...topology.dataplanes, ...fleet.map(fleetDataplane)], 64);
    const cpRssEmpty = rssBytes(cp.pid);
    pool = new ClientPool({
      url: cp.xdsUrl,
      protocol,
      nodeIds: topology.clients.map((c) => `${mesh}.${c}`),
      workers: 1,
      connectRate: 1000,
      gzip: false,
    });
    await pool.start();
    await pool.waitSettled(300_000);
    const cpRssClients = rssBytes(cp.pid);
    log(
      `  ${clientCount} simulated clients hold their config; CP RSS ${(cpRssEmpty / 1048576).toFixed(0)} → ${(cpRssClients / 1048576).toFixed(0)} MB`,
    );

    const memBefore = memAvailable();
    const started = nowMs();
    for (let i = 0; i < fleet.length; i += startBatch) {
      await Promise.all(fleet.slice(i, i + startBatch).map((envoy) => startEnvoy(cp, envoy, binary, dir)));
      log(
        `  ${Math.min(i + startBatch, fleet.length)} Envoys LIVE after ${((nowMs() - started) / 1000).toFixed(1)} s (load ${loadAverage()})`,
      );
    }
    const acked = await envoyAcks(cp, fleet, 'cds', 0);
    if (acked.missing > 0) throw new Error(`${acked.missing} Envoys have not ACKed their clusters`);
    const startCpu = fleetCpu(fleet) / fleet.length;
    await sleep(3_000);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
    const rss = mean(fleet.map((e) => rssBytes(e.pid!)));
    const memory = fleet.map((e) => smaps(e.pid!));
    const uss = mean(memory.map((m) => m.uss));
    const threads = threadsOf(fleet[0]!.pid!);
    const idleBefore = fleetCpu(fleet);
    await sleep(10_000);
    const idleCorePercent = ((fleetCpu(fleet) - idleBefore) / 10_000 / fleet.length) * 100;
    const fleetFigures = {
      envoys: fleet.length,
      startSeconds: Math.round((nowMs() - started) / 100) / 10,
      cpuMsToStart: Math.round(startCpu),
      rssMiB: mib(rss),
      pssMiB: mib(mean(memory.map((m) => m.pss))),
      ussMiB: mib(uss),
      threadsPerEnvoy: threads,
      idleCorePercentPerEnvoy: Math.round(idleCorePercent * 100) / 100,
      cpRssMiB: { empty: mib(cpRssEmpty), withClients: mib(cpRssClients), withEnvoys: mib(rssBytes(cp.pid)) },
      // How many more this machine would hold, by each limit: memory (USS against what was available before the fleet), tasks (pid_max), one core of idle CPU.
      capacity: {
        byMemory: Math.floor(memBefore / uss),
        byTasks: Math.floor((pidMax() - tasksRunning()) / threads) + fleet.length,
        byIdleCpuOneCore: Math.floor(100 / Math.max(0.001, idleCorePercent)),
      },
    };
    log(`  fleet: ${JSON.stringify(fleetFigures)}`);

    const consumersOf = (service: string) => fleet.filter((e) => e.services.includes(service));
    const targets = topology.services.filter((s) => consumersOf(s).length > 0);
    const everyClient = topology.clients.map((_, i) => i);
    const changes: Change[] = [];
    /** Endpoints per service so far, to know the count each change must leave in Envoy. */
    const endpointCount = new Map<string, number>();
    const newEndpoint = (kind: string, service: string, serial: number): Change => {
      const count = (endpointCount.get(service) ?? ENDPOINTS) + 1;
      endpointCount.set(service, count);
      return {
        kind,
        document: endpointDataplane(service, topology.services.indexOf(service), serial),
        envoys: consumersOf(service),
        clients: topology.consumers.get(service)!,
        type: 'eds',
        applied: { cluster: service, count },
      };
    };
    // One unmeasured change first: the first time through each path pays for JIT.
    changes.push(newEndpoint('warm-up', targets[0]!, 90));
    for (let r = 0; r < repeats; r++)
      changes.push(newEndpoint('one-service', targets[(r * 7 + 1) % targets.length]!, ENDPOINTS + r));
    for (let r = 0; r < repeats; r++) {
      changes.push({
        kind: 'mesh-wide endpoint',
        document: hubEndpoint(ENDPOINTS + r),
        envoys: fleet,
        clients: everyClient,
        type: 'eds',
        applied: { cluster: hubService, count: ENDPOINTS + r + 1 },
      });
    }
    for (let r = 0; r < repeats; r++) {
      // A limit both flavours apply (proxyless gRPC reads max_requests): every cluster of every proxy changes.
      const document = {
        type: 'MeshCircuitBreaker',
        mesh,
        name: 'bench-mesh-wide',
        spec: {
          targetRef: { kind: 'Mesh' },
          to: [{ targetRef: { kind: 'Mesh' }, default: { connectionLimits: { maxRequests: 2000 + r } } }],
        },
      };
      changes.push({ kind: 'mesh-wide policy', document, envoys: fleet, clients: everyClient, type: 'cds' });
    }
    const results: ChangeResult[] = [];
    for (const change of changes) {
      const result = await measure(cp, pool, fleet, change);
      if (change.kind !== 'warm-up') results.push(result);
    }
    const report = {
      options: { envoyCount, clientCount, serviceCount, repeats, protocol },
      load: loadAverage(),
      fleet: fleetFigures,
      results,
    };
    if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
    console.log(markdown(report.fleet, results));
  } finally {
    stopFleet(fleet);
    await pool?.stop();
    await cp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function markdown(fleet: Record<string, unknown> & { envoys: number }, results: readonly ChangeResult[]): string {
  const kinds = [...new Set(results.map((r) => r.kind))];
  const rows = kinds.map((kind) => {
    const of = results.filter((r) => r.kind === kind);
    const p = (pick: (r: ChangeResult) => number) => of.map((r) => ms(pick(r))).join(', ');
    return `| ${kind} | ${of.map((r) => r.envoys.count).join(', ')} | ${p((r) => r.envoys.p50)} | ${p((r) => r.envoys.p99)} | ${ms(Math.max(...of.map((r) => r.envoys.max)))} | ${p((r) => r.clients.p50)} | ${p((r) => r.clients.p99)} | ${of.reduce((n, r) => n + r.envoyMissing + r.clientMissing + r.notApplied, 0)} | ${(of.reduce((n, r) => n + r.envoyCpuMsEach, 0) / of.length).toFixed(1)} |`;
  });
  return [
    `fleet: ${JSON.stringify(fleet)}`,
    '',
    '| change | Envoys affected | Envoy p50 ms | Envoy p99 ms | Envoy max ms | simulated p50 ms | simulated p99 ms | missing / not applied | Envoy CPU ms each |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    "Per repeat, comma-separated. Times from the PUT answer to the ACK (Envoys: the control plane's lastAckTime; simulated clients: their own clock).",
  ].join('\n');
}

process.on('SIGINT', () => process.exit(130));
await main();
process.exit(0);
