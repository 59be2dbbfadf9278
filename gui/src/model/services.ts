/** Services of the three sorts a mesh has, shaped for the service pages. */
import type { Schemas } from '../api/client';
import type { Status } from '../components/StatusBadge';
import type { OkBody } from './responses';

export type MeshService = Schemas['MeshService'];
export type MeshExternalService = Schemas['MeshExternalService'];
export type ServiceInsight = OkBody<'/meshes/{mesh}/service-insights'>['items'][number];

/** The sorts of service, by the path the GUI's URLs give them. */
export const serviceKinds = ['meshservices', 'meshexternalservices', 'services'] as const;
export type ServiceKind = (typeof serviceKinds)[number];
export const isServiceKind = (value: string): value is ServiceKind =>
  (serviceKinds as readonly string[]).includes(value);

/** The status the API computes for a MeshService when it is read (docs/api.md, MeshService status). */
export interface MeshServiceStatus {
  readonly dataplaneProxies?: { readonly total?: number; readonly connected?: number; readonly healthy?: number };
  readonly addresses?: readonly { readonly hostname?: string }[];
}

export const meshServiceStatusOf = (service: MeshService): MeshServiceStatus =>
  (service.status ?? {}) as MeshServiceStatus;

/** A MeshService's dataplane counts: total, connected, healthy (absent counts are zero, as the API leaves them out). */
export function meshServiceCounts(service: MeshService): { total: number; connected: number; healthy: number } {
  const proxies = meshServiceStatusOf(service).dataplaneProxies ?? {};
  return { total: proxies.total ?? 0, connected: proxies.connected ?? 0, healthy: proxies.healthy ?? 0 };
}

/** One word for a MeshService: online when every proxy is connected and healthy, offline when none is. */
export function meshServiceStatus(service: MeshService): Status {
  const { total, connected, healthy } = meshServiceCounts(service);
  if (total === 0) return 'not_available';
  const up = Math.min(connected, healthy);
  if (up === 0) return 'offline';
  return up === total ? 'online' : 'partially_degraded';
}

/** A MeshService's selector, as one line (`app=web, version=v1`). */
export function selectorOf(service: MeshService): string {
  const tags = (service.spec.selector as { dataplaneTags?: Record<string, string> } | undefined)?.dataplaneTags;
  return Object.entries(tags ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** Its hostnames (from the HostnameGenerators), as the API computed them. */
export const addressesOf = (service: MeshService): string[] =>
  (meshServiceStatusOf(service).addresses ?? []).flatMap((a) => (a.hostname === undefined ? [] : [a.hostname]));

/** A MeshExternalService's endpoints as `address:port`. */
export const endpointsOf = (service: MeshExternalService): string[] =>
  (service.spec.endpoints ?? []).map((e) => `${e.address}:${e.port}`);

/** A ServiceInsight's status word (the API's). */
export const insightStatus = (service: ServiceInsight): Status => service.status ?? 'not_available';

/**
 * Service insights of several meshes as one list, ordered by name then mesh,
 * and the page of it starting at `offset`.
 */
export function mergeServicePages(
  pages: readonly (readonly ServiceInsight[])[],
  offset: number,
  size: number,
): { items: ServiceInsight[]; total: number } {
  const all = pages.flat().sort((a, b) => a.name.localeCompare(b.name) || a.mesh.localeCompare(b.mesh));
  return { items: all.slice(offset, offset + size), total: all.length };
}
