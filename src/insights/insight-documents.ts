/**
 * The insight documents in Kuma's shapes, built from an instance's in-memory
 * state (insight-index.ts) when asked: MeshInsight, ServiceInsight (one per
 * service), GlobalInsights (`/global-insights`: global kinds counted) and the
 * GUI's GlobalInsight (`/global-insight`: every mesh summed). Pure functions;
 * the cost is the size of the answer, not of the cluster.
 */
import type { ServiceType } from './dataplane-facts.js';
import { emptyStat, type DataplaneStat, type ServiceStat } from './mesh-aggregate.js';
import type { MeshState } from './insight-index.js';

/** What the documents need to know of a kind. */
export interface KindFacts {
  readonly name: string;
  readonly scope: 'Global' | 'Mesh';
  readonly isPolicy: boolean;
}

/** Kuma leaves insights out of the resource counts: they describe other resources. */
const isInsight = (kind: string): boolean => kind.endsWith('Insight');

const stat = (s: DataplaneStat): DataplaneStat => ({
  total: s.total,
  online: s.online,
  offline: s.offline,
  partiallyDegraded: s.partiallyDegraded,
});

const statMap = (map: ReadonlyMap<string, DataplaneStat>): Record<string, DataplaneStat> =>
  Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => [key, stat(value)]));

const totals = (entries: Iterable<[string, number]>): Record<string, { total: number }> =>
  Object.fromEntries(
    [...entries]
      .filter(([, total]) => total > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([kind, total]) => [kind, { total }]),
  );

function sum(...stats: DataplaneStat[]): DataplaneStat {
  const out = emptyStat();
  for (const s of stats) {
    out.total += s.total;
    out.online += s.online;
    out.offline += s.offline;
    out.partiallyDegraded += s.partiallyDegraded;
  }
  return out;
}

const meshCounts = (state: MeshState, kinds: readonly KindFacts[], policiesOnly: boolean): [string, number][] =>
  kinds
    .filter((k) => k.scope === 'Mesh' && !isInsight(k.name) && (!policiesOnly || k.isPolicy))
    .map((k) => [k.name, state.names.get(k.name)?.size ?? 0]);

export function meshInsightDocument(name: string, state: MeshState, kinds: readonly KindFacts[]): object {
  const { aggregate } = state;
  const { byType } = aggregate;
  return {
    type: 'MeshInsight',
    name,
    creationTime: state.creationTime.toISOString(),
    modificationTime: state.modificationTime.toISOString(),
    dataplanes: stat(aggregate.dataplanes),
    policies: totals(meshCounts(state, kinds, true)),
    dpVersions: { kumaDp: statMap(aggregate.kumaDp), envoy: statMap(aggregate.envoy) },
    mTLS: {
      issuedBackends: statMap(aggregate.issuedBackends),
      supportedBackends: statMap(aggregate.supportedBackends),
    },
    services: { total: aggregate.services.size, internal: aggregate.services.size, external: 0 },
    dataplanesByType: {
      standard: stat(byType.standard),
      gateway: sum(byType.gatewayBuiltin, byType.gatewayDelegated),
      gatewayBuiltin: stat(byType.gatewayBuiltin),
      gatewayDelegated: stat(byType.gatewayDelegated),
    },
    resources: totals(meshCounts(state, kinds, false)),
  };
}

/** One service as Kuma's ServiceInsight service entry. */
interface ServiceEntry {
  readonly status?: string;
  readonly dataplanes?: { readonly online?: number; readonly offline?: number };
  readonly issuedBackends?: Readonly<Record<string, number>>;
  readonly serviceType?: string;
  readonly addressPort?: string;
  readonly zones?: readonly string[];
}

export interface ServiceInsightItem {
  readonly name: string;
  readonly serviceType: string;
  readonly document: object;
}

const TYPE_ORDER: readonly ServiceType[] = ['internal', 'gateway_delegated', 'gateway_builtin'];

function entryOf(service: ServiceStat): ServiceEntry {
  const serviceType = TYPE_ORDER.find((type) => (service.byType.get(type) ?? 0) > 0) ?? 'internal';
  const total = service.online + service.offline;
  return {
    status: service.online === 0 ? 'offline' : service.online === total ? 'online' : 'partially_degraded',
    dataplanes: { online: service.online, offline: service.offline },
    ...(service.issuedBackends.size > 0 ? { issuedBackends: Object.fromEntries(service.issuedBackends) } : {}),
    serviceType,
  };
}

/** Kuma's item: counters completed, the address of an internal service filled in, internal left implicit. */
function itemOf(
  mesh: string,
  name: string,
  entry: ServiceEntry,
  times: { creationTime: Date; modificationTime: Date },
  labels: Readonly<Record<string, string>>,
): ServiceInsightItem {
  const serviceType = entry.serviceType ?? 'internal';
  const online = entry.dataplanes?.online ?? 0;
  const offline = entry.dataplanes?.offline ?? 0;
  const shown = Object.entries(labels).filter(([key]) => key !== 'kuma.io/display-name');
  return {
    name,
    serviceType,
    document: {
      type: 'ServiceInsight',
      mesh,
      name,
      creationTime: times.creationTime.toISOString(),
      modificationTime: times.modificationTime.toISOString(),
      ...(shown.length > 0 ? { labels: Object.fromEntries(shown) } : {}),
      ...(entry.status !== undefined ? { status: entry.status } : {}),
      dataplanes: {
        ...(online + offline > 0 ? { total: online + offline } : {}),
        ...(online > 0 ? { online } : {}),
        ...(offline > 0 ? { offline } : {}),
      },
      ...(entry.issuedBackends && Object.keys(entry.issuedBackends).length > 0
        ? { issuedBackends: entry.issuedBackends }
        : {}),
      ...(serviceType !== 'internal' ? { serviceType } : {}),
      ...(serviceType === 'internal'
        ? { addressPort: `${name}.mesh:80` }
        : entry.addressPort
          ? { addressPort: entry.addressPort }
          : {}),
      ...(entry.zones && entry.zones.length > 0 ? { zones: entry.zones } : {}),
    },
  };
}

/**
 * Every service of a mesh, by name: those of its Dataplanes, and those of
 * ServiceInsight records stored in the mesh (as a Kuma store holds them) that
 * no Dataplane here names.
 */
export function serviceInsightItems(mesh: string, state: MeshState): ServiceInsightItem[] {
  const items = new Map<string, ServiceInsightItem>();
  for (const record of state.storedServiceInsights.values()) {
    const services = (record.spec as { services?: Record<string, ServiceEntry> }).services ?? {};
    for (const [name, entry] of Object.entries(services))
      items.set(name, itemOf(mesh, name, entry, record, record.labels));
  }
  for (const [name, service] of state.aggregate.services) {
    items.set(
      name,
      itemOf(mesh, name, entryOf(service), { creationTime: service.since, modificationTime: service.changed }, {}),
    );
  }
  return [...items.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `/global-insights`: how many resources of each global kind there are. */
export function globalInsightsDocument(
  meshCount: number,
  globalCounts: ReadonlyMap<string, number>,
  kinds: readonly KindFacts[],
  now: Date,
): object {
  const resources: Record<string, { total: number }> = {};
  for (const kind of [...kinds].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (kind.scope !== 'Global' || isInsight(kind.name)) continue;
    resources[kind.name] = { total: kind.name === 'Mesh' ? meshCount : (globalCounts.get(kind.name) ?? 0) };
  }
  return { type: 'GlobalInsights', creationTime: now.toISOString(), resources };
}

const fullStatus = () => ({ total: 0, online: 0, offline: 0, partiallyDegraded: 0 });

/** `/global-insight`: the GUI's home page, every mesh summed. */
export function globalInsightDocument(
  meshes: readonly MeshState[],
  globalCounts: ReadonlyMap<string, number>,
  kinds: readonly KindFacts[],
  now: Date,
): object {
  const services = { internal: fullStatus(), gatewayBuiltin: fullStatus(), gatewayDelegated: fullStatus() };
  const dataplanes = { standard: emptyStat(), gatewayBuiltin: emptyStat(), gatewayDelegated: emptyStat() };
  const resources = new Map<string, number>();
  let policies = 0;
  for (const state of meshes) {
    for (const [type, s] of Object.entries(state.aggregate.byType) as [keyof typeof dataplanes, DataplaneStat][])
      dataplanes[type] = sum(dataplanes[type], s);
    for (const item of serviceInsightItems('', state)) {
      const doc = item.document as { status?: string };
      const bucket =
        item.serviceType === 'gateway_builtin'
          ? services.gatewayBuiltin
          : item.serviceType === 'gateway_delegated'
            ? services.gatewayDelegated
            : item.serviceType === 'internal'
              ? services.internal
              : undefined;
      if (!bucket) continue;
      bucket.total += 1;
      if (doc.status === 'online') bucket.online += 1;
      else if (doc.status === 'offline') bucket.offline += 1;
      else if (doc.status === 'partially_degraded') bucket.partiallyDegraded += 1;
    }
    for (const [kind, total] of meshCounts(state, kinds, false))
      resources.set(kind, (resources.get(kind) ?? 0) + total);
    policies += meshCounts(state, kinds, true).reduce((n, [, total]) => n + total, 0);
  }
  for (const kind of kinds) {
    if (kind.scope === 'Global' && !isInsight(kind.name) && kind.name !== 'Mesh')
      resources.set(kind.name, globalCounts.get(kind.name) ?? 0);
  }
  const zone = (kind: string) => ({ online: 0, total: globalCounts.get(kind) ?? 0 });
  return {
    createdAt: now.toISOString(),
    services: {
      total: services.internal.total + services.gatewayBuiltin.total + services.gatewayDelegated.total,
      ...services,
      external: { total: 0 },
    },
    zones: {
      controlPlanes: zone('ZoneInsight'),
      zoneEgresses: zone('ZoneEgressInsight'),
      zoneIngresses: zone('ZoneIngressInsight'),
    },
    dataplanes: {
      standard: stat(dataplanes.standard),
      gatewayBuiltin: stat(dataplanes.gatewayBuiltin),
      gatewayDelegated: stat(dataplanes.gatewayDelegated),
    },
    policies: { total: policies },
    meshes: { total: meshes.length },
    resources: totals(resources),
  };
}
