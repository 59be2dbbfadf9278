/**
 * One scenario: N proxies, M services, one protocol, against a fresh control
 * plane process and then against the floor server, the same clients and the
 * same response bytes.
 *
 *   cp up ─► PUT mesh ─► RSS ─► N clients connect ─► RSS               (c)
 *        ─► warm-up ─► R × one-service change (new endpoint of one service)  (a)
 *        ─► R × hub change (new endpoint of the service all call)  (b, delivered)
 *        ─► R × MeshTimeout on the Mesh (rebuild cost)             (b, policy)
 *   per floor (connect, raw): up ─► N clients ─► RSS ─► warm-up
 *        ─► R × replay the (a) bytes, R × replay the (b) bytes     (d)
 */
import { TypeUrl } from '../../src/xds/resource-types.js';
import type { XdsProtocol } from './ads-client.js';
import { ClientPool } from './client-pool.js';
import { nowMs, sleep } from './clock.js';
import { measureChange, measureRebuild, type RebuildCost } from './measure.js';
import {
  listenOverflows,
  loadAverage,
  waitForQuietMachine,
  rssBytes,
  startControlPlane,
  startFloorServer,
  type ControlPlane,
  type FloorTransport,
} from './processes.js';
import { put, putAll } from './rest.js';
import { buildTopology, changeTargets, endpointDataplane, hubEndpoint, mesh, type Topology } from './topology.js';

export interface ScenarioOptions {
  readonly proxies: number;
  readonly services: number;
  readonly protocol: XdsProtocol;
  readonly repeats: number;
  readonly workers: number;
  /** New xDS connections per second while the clients connect. */
  readonly connectRate: number;
  /** Clients accept gzip-compressed responses. */
  readonly gzip: boolean;
  readonly endpointsPerService: number;
  readonly outboundsPerClient: number;
  readonly cpuProfileDir?: string;
  /** Floor servers to measure against: connect-node (as the control plane) and/or raw node:http2. */
  readonly floors: readonly FloorTransport[];
  /** Start only once other work uses less than this share of the CPU (waits at most 3 min). */
  readonly quietThreshold: number;
  readonly log: (line: string) => void;
}

/** Latencies of every repeat, kept apart so repeats can be compared. */
export type Repeats = number[][];

export interface ScenarioResult {
  readonly options: Omit<ScenarioOptions, 'log'>;
  readonly loadBefore: string;
  readonly loadAfter: string;
  /** Share of the machine's CPU busy (others' work) over 2 s just before the scenario started. */
  readonly busyBefore: number;
  readonly setupMs: number;
  readonly connectMs: number;
  /** Streams the clients had to open again while connecting (reset, refused). */
  readonly connectReconnects: number;
  /** Listen-queue overflows the kernel counted (all sockets) while the clients connected. */
  readonly connectOverflows: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly oneService: {
    readonly affected: number[];
    readonly latencies: Repeats;
    readonly unexpected: number;
    readonly missing: number;
  };
  readonly meshWide: { readonly latencies: Repeats; readonly missing: number };
  readonly policy: readonly RebuildCost[];
  readonly floors: readonly {
    readonly transport: FloorTransport;
    readonly rssBefore: number;
    readonly rssAfter: number;
    readonly oneService: Repeats;
    readonly meshWide: Repeats;
  }[];
}

const changeTimeoutMs = 60_000;
const nodeIdOf = (name: string): string => `${mesh}.${name}`;

interface Replay {
  readonly expected: readonly number[];
  readonly sample: Uint8Array | undefined;
}

async function connect(
  pool: ClientPool,
  log: (line: string) => void,
  what: string,
): Promise<{ ms: number; reconnects: number }> {
  const started = nowMs();
  await pool.start();
  const settled = await pool.waitSettled(300_000);
  const ms = settled.lastAckAt - started;
  log(
    `  ${pool.size} clients hold a full config from ${what} after ${ms.toFixed(0)} ms (${settled.reconnects} reconnections)`,
  );
  return { ms, reconnects: settled.reconnects };
}

type Log = (line: string) => void;

/**
 * One unmeasured one-service change first, so the first measured change does
 * not pay for the control plane's first time through that path (JIT).
 */
async function warmUp(topology: Topology, pool: ClientPool, apiUrl: string, log: Log): Promise<void> {
  const service = topology.services.find((s) => (topology.consumers.get(s)?.length ?? 0) > 0)!;
  await measureChange({
    pool,
    trigger: async () =>
      (await put(apiUrl, endpointDataplane(service, topology.services.indexOf(service), 99))).answeredAt,
    expected: topology.consumers.get(service)!,
    typeUrl: TypeUrl.ClusterLoadAssignment,
    timeoutMs: changeTimeoutMs,
  });
  log(`  warm-up: one unmeasured change of ${service}`);
}

/** (a) R times: a new endpoint Dataplane for one service; its consumers must get new EDS. */
async function oneServiceChanges(
  options: ScenarioOptions,
  topology: Topology,
  pool: ClientPool,
  apiUrl: string,
  log: Log,
) {
  const measured = { affected: [] as number[], latencies: [] as Repeats, unexpected: 0, missing: 0 };
  const replays: Replay[] = [];
  for (const [r, service] of changeTargets(topology, options.repeats).entries()) {
    const expected = topology.consumers.get(service)!;
    const document = endpointDataplane(service, topology.services.indexOf(service), options.endpointsPerService + r);
    const result = await measureChange({
      pool,
      trigger: async () => (await put(apiUrl, document)).answeredAt,
      expected,
      typeUrl: TypeUrl.ClusterLoadAssignment,
      timeoutMs: changeTimeoutMs,
    });
    measured.affected.push(expected.length);
    measured.latencies.push([...result.latencies]);
    measured.unexpected += result.unexpected;
    measured.missing += result.missing;
    replays.push({ expected, sample: result.samples[TypeUrl.ClusterLoadAssignment] });
    log(
      `  (a) ${service}: ${expected.length} affected, max ${Math.max(...result.latencies).toFixed(1)} ms, missing ${result.missing}, unexpected ${result.unexpected}`,
    );
  }
  return { measured, replays };
}

/** (b) R times: a new endpoint of the hub, which every client calls: every proxy rebuilt and sent EDS. */
async function meshWideChanges(
  options: ScenarioOptions,
  topology: Topology,
  pool: ClientPool,
  apiUrl: string,
  log: Log,
) {
  const measured = { latencies: [] as Repeats, missing: 0 };
  const replays: Replay[] = [];
  const everyone = topology.clients.map((_, i) => i);
  for (let r = 0; r < options.repeats; r++) {
    const document = hubEndpoint(options.endpointsPerService + r);
    const result = await measureChange({
      pool,
      trigger: async () => (await put(apiUrl, document)).answeredAt,
      expected: everyone,
      typeUrl: TypeUrl.ClusterLoadAssignment,
      timeoutMs: changeTimeoutMs,
    });
    measured.latencies.push([...result.latencies]);
    measured.missing += result.missing;
    replays.push({ expected: everyone, sample: result.samples[TypeUrl.ClusterLoadAssignment] });
    log(`  (b) hub endpoint: max ${Math.max(...result.latencies).toFixed(0)} ms, missing ${result.missing}`);
  }
  return { measured, replays };
}

/** (b, policy) R times: a MeshTimeout on the Mesh, a different value each time: every proxy rebuilt. */
async function policyChanges(
  options: ScenarioOptions,
  pool: ClientPool,
  cp: ControlPlane,
  log: Log,
): Promise<RebuildCost[]> {
  const costs: RebuildCost[] = [];
  for (let r = 0; r < options.repeats; r++) {
    const document = {
      type: 'MeshTimeout',
      mesh,
      name: 'bench-mesh-wide',
      spec: {
        targetRef: { kind: 'Mesh' },
        to: [{ targetRef: { kind: 'Mesh' }, default: { connectionTimeout: `${2 + r}s` } }],
      },
    };
    const cost = await measureRebuild(
      pool,
      cp.pid,
      async () => (await put(cp.apiUrl, document)).answeredAt,
      changeTimeoutMs,
    );
    costs.push(cost);
    log(
      `  (b) MeshTimeout: CP CPU ${cost.cpuMs} ms over ${cost.busyMs.toFixed(0)} ms, ${cost.updated} clients received a response`,
    );
  }
  return costs;
}

async function againstControlPlane(options: ScenarioOptions, topology: Topology) {
  const cp = await startControlPlane(options.cpuProfileDir ? { cpuProfileDir: options.cpuProfileDir } : {});
  // Seconds since the control plane started: where each phase is in its CPU profile.
  const log: Log = (line) => options.log(`${line.padEnd(90)} @${((nowMs() - cp.startedAt) / 1000).toFixed(1)} s`);
  let pool: ClientPool | undefined;
  try {
    const setupMs = await putAll(cp.apiUrl, topology.dataplanes, 64);
    log(`  PUT ${topology.dataplanes.length} dataplanes in ${setupMs.toFixed(0)} ms`);
    await sleep(1_000);
    const rssBefore = rssBytes(cp.pid);
    pool = new ClientPool({
      url: cp.xdsUrl,
      protocol: options.protocol,
      nodeIds: topology.clients.map(nodeIdOf),
      workers: options.workers,
      connectRate: options.connectRate,
      gzip: options.gzip,
    });
    const overflowsBefore = listenOverflows();
    const { ms: connectMs, reconnects: connectReconnects } = await connect(pool, log, 'the control plane');
    const connectOverflows = listenOverflows() - overflowsBefore;
    if (connectOverflows > 0) log(`  the kernel counted ${connectOverflows} listen-queue overflows while connecting`);
    await sleep(1_000);
    const rssAfter = rssBytes(cp.pid);

    await warmUp(topology, pool, cp.apiUrl, log);
    const oneService = await oneServiceChanges(options, topology, pool, cp.apiUrl, log);
    const meshWide = await meshWideChanges(options, topology, pool, cp.apiUrl, log);
    const policy = await policyChanges(options, pool, cp, log);
    return {
      setupMs,
      connectMs,
      connectReconnects,
      connectOverflows,
      rssBefore,
      rssAfter,
      oneService: oneService.measured,
      meshWide: meshWide.measured,
      policy,
      oneServiceReplays: oneService.replays,
      meshWideReplays: meshWide.replays,
    };
  } catch (error) {
    const alive = cp.process.exitCode === null && cp.process.signalCode === null;
    throw new Error(
      `${error instanceof Error ? error.message : String(error)} (control plane ${alive ? 'running' : 'exited'}; its stderr: ${cp.stderrTail().slice(-1500) || 'empty'})`,
      { cause: error },
    );
  } finally {
    await pool?.stop();
    await cp.stop();
  }
}

async function againstFloor(
  options: ScenarioOptions,
  transport: FloorTransport,
  topology: Topology,
  oneServiceReplays: readonly Replay[],
  meshWideReplays: readonly Replay[],
) {
  const floor = await startFloorServer(options.protocol, transport);
  let pool: ClientPool | undefined;
  try {
    await sleep(500);
    const rssBefore = rssBytes(floor.pid);
    const nodeIds = topology.clients.map(nodeIdOf);
    pool = new ClientPool({
      url: floor.url,
      protocol: options.protocol,
      nodeIds,
      workers: options.workers,
      connectRate: options.connectRate,
      gzip: options.gzip,
    });
    await connect(pool, options.log, `the ${transport} floor server`);
    await sleep(1_000);
    const rssAfter = rssBytes(floor.pid);
    const replay = async (replays: readonly Replay[], what: string): Promise<Repeats> => {
      const out: Repeats = [];
      for (const { expected, sample } of replays) {
        if (!sample) continue;
        const targets = expected.map((i) => nodeIds[i]!);
        const result = await measureChange({
          pool: pool!,
          trigger: async () => {
            const t0 = nowMs();
            await floor.push(sample, targets);
            return t0;
          },
          expected,
          typeUrl: TypeUrl.ClusterLoadAssignment,
          timeoutMs: changeTimeoutMs,
        });
        out.push([...result.latencies]);
        options.log(
          `  (d) ${transport} floor ${what}: ${expected.length} clients, ${sample.length} B, max ${Math.max(...result.latencies).toFixed(1)} ms`,
        );
      }
      return out;
    };
    await replay(oneServiceReplays.slice(0, 1), 'warm-up (unmeasured)');
    return {
      transport,
      rssBefore,
      rssAfter,
      oneService: await replay(oneServiceReplays, 'one-service'),
      meshWide: await replay(meshWideReplays, 'mesh-wide'),
    };
  } finally {
    await pool?.stop();
    await floor.stop();
  }
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { log: _log, ...rest } = options;
  const topology = buildTopology({ ...options, seed: 20240601 });
  const busyBefore = await waitForQuietMachine(options.quietThreshold, 180_000);
  const loadBefore = loadAverage();
  options.log(
    `N=${options.proxies} M=${options.services} ${options.protocol} (load ${loadBefore}; machine ${(busyBefore * 100).toFixed(0)}% busy before)`,
  );
  const cp = await againstControlPlane(options, topology);
  const floors = [];
  for (const transport of options.floors)
    floors.push(await againstFloor(options, transport, topology, cp.oneServiceReplays, cp.meshWideReplays));
  const { oneServiceReplays: _a, meshWideReplays: _b, ...measured } = cp;
  return { options: rest, loadBefore, loadAfter: loadAverage(), busyBefore, ...measured, floors };
}
