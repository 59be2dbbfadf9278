/**
 * Where a proxy rebuild's time goes, in process, on the mesh xds-convergence
 * builds: the engine's mesh-wide flush (every proxy: context → generate →
 * encode + hash → intern → snapshot → cache) taken apart stage by stage.
 *
 *   node dist/bench/proxy-build.js [--proxies 5000] [--services 1000] [--flavour grpc|envoy] [--rounds 5]
 *
 * "shareable" is what a memo by destination would avoid: the same flush with
 * each proxy's outbounds removed leaves only the per-proxy part (its inbound
 * listener and its snapshot), an estimate of a rebuild whose per-service
 * resources are built and encoded once per change instead of once per proxy.
 *
 * The consistency gate is timed apart, on the same snapshots: over messages
 * it has read before (their references are cached per message object), and
 * over a rebuild in which every message is new (a mesh built afresh each
 * round, untimed), where it reads each distinct message once: shared
 * clusters and routes once for all proxies, each proxy's own listeners once.
 */
import { parseArgs } from 'node:util';
import { dataplaneModel, MeshView } from '../src/mesh/index.js';
import { policyPlugins } from '../src/cp/catalogue.js';
import { encodeProxyResources, ProxyBuild } from '../src/xds/build/index.js';
import {
  generateEnvoyResources,
  generateGrpcResources,
  type ProxyContext,
  type ProxyFlavour,
} from '../src/xds/generate/index.js';
import { MemorySnapshotCache } from '../src/xds/server/index.js';
import { buildSnapshot } from '../src/xds/snapshot.js';
import { snapshotProblems } from '../src/xds/snapshot-consistency.js';
import { SnapshotPublisher } from '../src/xds/sync/index.js';
import type { DataplaneSpec } from '../src/api/index.js';
import { nowMs } from './xds/clock.js';
import { median } from './xds/stats.js';
import { buildTopology, mesh } from './xds/topology.js';

const { values } = parseArgs({
  options: {
    proxies: { type: 'string', default: '5000' },
    services: { type: 'string', default: '1000' },
    flavour: { type: 'string', default: 'grpc' },
    rounds: { type: 'string', default: '5' },
  },
});
const proxies = Number(values.proxies);
const flavour = (values.flavour === 'envoy' ? 'envoy' : 'grpc') as ProxyFlavour;
const rounds = Number(values.rounds);

const topology = buildTopology({
  proxies,
  services: Number(values.services),
  endpointsPerService: 3,
  outboundsPerClient: 4,
  seed: 20240601,
});
function meshView(): MeshView {
  const view = new MeshView(mesh);
  for (const dp of topology.dataplanes)
    view.upsert(dataplaneModel(mesh, dp.name, { networking: dp.networking } as unknown as DataplaneSpec));
  return view;
}
const view = meshView();
const contexts = topology.clients.map((name) => view.context(name, flavour)!);
const inboundOnly = contexts.map((ctx): ProxyContext => ({ ...ctx, outbounds: [], destinations: new Map() }));
const generate = flavour === 'grpc' ? generateGrpcResources : generateEnvoyResources;

/** Runs `stage` over every context, `rounds` times; the median per-proxy µs. */
function time(stage: (ctx: ProxyContext, i: number) => unknown, over: readonly ProxyContext[] = contexts): number {
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = nowMs();
    over.forEach((ctx, i) => stage(ctx, i));
    perRound.push(((nowMs() - started) * 1000) / over.length);
  }
  return median(perRound);
}

const generated = contexts.map((ctx) => generate(ctx));
const encoded = generated.map((resources) => encodeProxyResources(resources));
const publisher = new SnapshotPublisher(new MemorySnapshotCache(), new ProxyBuild({ plugins: policyPlugins }));
const snapshots = encoded.map((resources) => buildSnapshot(resources));

/** `stage` over every proxy of a mesh built afresh each round (untimed): every message it meets is new. */
function timeOverNewMessages(
  stage: (fresh: MeshView, name: string) => unknown,
  prepare: (fresh: MeshView, name: string) => unknown = () => undefined,
): number {
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const fresh = meshView();
    for (const name of topology.clients) prepare(fresh, name);
    const started = nowMs();
    for (const name of topology.clients) stage(fresh, name);
    perRound.push(((nowMs() - started) * 1000) / topology.clients.length);
  }
  return median(perRound);
}

/** The gate over a rebuild in which every message is new: the snapshots are built first, untimed. */
function timeGateOverNewMessages(): number {
  const built = new Map<string, ReturnType<typeof buildSnapshot>>();
  return timeOverNewMessages(
    (_fresh, name) => snapshotProblems(built.get(name)!),
    (fresh, name) => built.set(name, buildSnapshot(encodeProxyResources(generate(fresh.context(name, flavour)!)))),
  );
}

const rows: [string, number][] = [
  ['context (MeshView.context)', time((ctx) => view.context(ctx.name, flavour))],
  ['generate (messages)', time((ctx) => generate(ctx))],
  ['encode + hash (toBinary, sha256)', time((_ctx, i) => encodeProxyResources(generated[i]!))],
  ['snapshot (buildSnapshot)', time((_ctx, i) => buildSnapshot(encoded[i]!))],
  ['consistency gate, messages read before (snapshotProblems)', time((_ctx, i) => snapshotProblems(snapshots[i]!))],
  ['consistency gate, every message new', timeGateOverNewMessages()],
  ['whole update (SnapshotPublisher.update)', time((ctx) => publisher.update(`${mesh}.${ctx.name}`, ctx))],
  [
    'whole update, every message new',
    timeOverNewMessages((fresh, name) => publisher.update(`${mesh}.${name}`, fresh.context(name, flavour)!)),
  ],
  [
    'per-proxy part only (inbound listener + snapshot)',
    time((ctx) => publisher.update(`${mesh}.${ctx.name}`, ctx), inboundOnly),
  ],
];
const resources = encoded.reduce((n, list) => n + list.length, 0) / encoded.length;
console.log(
  `proxy build, ${flavour} flavour: ${proxies} proxies, ${topology.services.length} services, ${resources.toFixed(1)} resources per proxy; median of ${rounds} rounds`,
);
console.log('| stage | µs per proxy | ms per mesh-wide flush |');
console.log('|---|---|---|');
for (const [stage, us] of rows) console.log(`| ${stage} | ${us.toFixed(1)} | ${((us * proxies) / 1000).toFixed(0)} |`);
process.exit(0);
