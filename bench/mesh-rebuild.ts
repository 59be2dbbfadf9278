/**
 * The CPU of a mesh-wide rebuild, in process: the mesh xds-convergence
 * builds, every proxy published once, then R times the change its policy
 * phase makes (a MeshTimeout on the Mesh towards the Mesh, a new value each
 * time) and every proxy the change affects published again through the
 * snapshot publisher, as the engine's flush does (context → proxy build →
 * intern → consistency gate → cache). No sockets and no other process: what
 * it measures is the build alone. The mesh has the policies a new mesh gets
 * (manager/mesh-defaults.ts) unless `--no-defaults`.
 *
 *   node dist/bench/mesh-rebuild.js [--proxies 1000] [--services 100] [--flavour grpc|envoy] [--rounds 15] [--no-defaults]
 *
 * Reported per round: CPU (process.cpuUsage, user + system) and wall time of
 * the flush; the median, min and max over the rounds, after two untimed
 * warm-up rounds. A forced GC before each round (when node runs with
 * --expose-gc) keeps one round's garbage out of the next one's figure.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { dataplaneModel, MeshView } from '../src/mesh/index.js';
import { policyPlugins } from '../src/cp/catalogue.js';
import { ProxyBuild } from '../src/xds/build/index.js';
import type { ProxyFlavour } from '../src/xds/generate/index.js';
import { MemorySnapshotCache } from '../src/xds/server/index.js';
import { SnapshotPublisher } from '../src/xds/sync/index.js';
import type { DataplaneSpec, Resource } from '../src/api/index.js';
import { initialPolicyDrafts } from '../src/manager/index.js';
import { nowMs } from './xds/clock.js';
import { median } from './xds/stats.js';
import { buildTopology, mesh } from './xds/topology.js';

const { values } = parseArgs({
  options: {
    proxies: { type: 'string', default: '1000' },
    services: { type: 'string', default: '100' },
    flavour: { type: 'string', default: 'grpc' },
    rounds: { type: 'string', default: '15' },
    'no-defaults': { type: 'boolean', default: false },
  },
});
const proxies = Number(values.proxies);
const flavour = (values.flavour === 'envoy' ? 'envoy' : 'grpc') as ProxyFlavour;
const rounds = Number(values.rounds);
const warmUp = 2;

const topology = buildTopology({
  proxies,
  services: Number(values.services),
  endpointsPerService: 3,
  outboundsPerClient: 4,
  seed: 20240601,
});
const view = new MeshView(mesh);
for (const dp of topology.dataplanes)
  view.upsert(dataplaneModel(mesh, dp.name, { networking: dp.networking } as unknown as DataplaneSpec));
// The policies a new mesh gets, as the control plane xds-convergence starts has them.
if (!values['no-defaults'])
  for (const draft of initialPolicyDrafts(mesh))
    view.upsertPolicy({ ...draft, version: 1, creationTime: new Date(0), modificationTime: new Date(0) } as Resource);
const cache = new MemorySnapshotCache();
const publisher = new SnapshotPublisher(cache, new ProxyBuild({ plugins: policyPlugins }));
const clients = new Set(topology.clients);
const publish = (names: Iterable<string>): void => {
  for (const name of names) if (clients.has(name)) publisher.update(`${mesh}.${name}`, view.context(name, flavour));
};
publish(topology.clients);

/** The policy xds-convergence's policy phase writes, round `r`'s value (bench/xds/scenario.ts). */
const meshWideTimeout = (r: number): Resource =>
  ({
    kind: 'MeshTimeout',
    mesh,
    name: 'bench-mesh-wide',
    labels: {},
    version: r + 1,
    creationTime: new Date(0),
    modificationTime: new Date(0),
    spec: {
      targetRef: { kind: 'Mesh' },
      to: [{ targetRef: { kind: 'Mesh' }, default: { connectionTimeout: `${2 + r}s` } }],
    },
  }) as unknown as Resource;

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
/** Pause time of the collections that end while a round runs (main-thread pauses; concurrent marking shows in CPU only). */
let gcPauseMs = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauseMs += entry.duration;
});
gcObserver.observe({ entryTypes: ['gc'] });
const cpuMs: number[] = [];
const wallMs: number[] = [];
const gcMs: number[] = [];
let rebuilt = 0;
for (let r = 0; r < warmUp + rounds; r++) {
  gc?.();
  await new Promise((resolve) => setImmediate(resolve)); // the observer's entries so far, before the round starts
  gcPauseMs = 0;
  const cpuBefore = process.cpuUsage();
  const started = nowMs();
  const affected = view.upsertPolicy(meshWideTimeout(r));
  publish(affected);
  const wall = nowMs() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await new Promise((resolve) => setImmediate(resolve));
  if (r < warmUp) continue;
  rebuilt = [...affected].filter((name) => clients.has(name)).length;
  cpuMs.push((cpu.user + cpu.system) / 1000);
  wallMs.push(wall);
  gcMs.push(gcPauseMs);
}
gcObserver.disconnect();

const row = (label: string, samples: readonly number[]): string =>
  `| ${label} | ${median(samples).toFixed(0)} | ${Math.min(...samples).toFixed(0)} | ${Math.max(...samples).toFixed(0)} |`;
console.log(
  `mesh-wide rebuild, ${flavour} flavour: ${proxies} proxies (${rebuilt} rebuilt per round), ${topology.services.length} services; ${rounds} rounds${gc ? ', GC before each' : ''}; heap ${heapMb.toFixed(0)} MB after the first build`,
);
console.log('| per rebuild, ms | median | min | max |');
console.log('|---|---|---|---|');
console.log(row('CPU (user + system)', cpuMs));
console.log(row('wall', wallMs));
console.log(row('GC pauses', gcMs));
process.exit(0);
