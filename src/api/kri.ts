/**
 * KRI, Kuma's resource identifier: `kri_<type>_<mesh>_<zone>_<namespace>_<name>_<section>`.
 * The type is Kuma's short name of the kind; the zone and namespace come from
 * the resource's `kuma.io/zone` and `k8s.kuma.io/namespace` labels, the name
 * from `kuma.io/display-name` when set. Kinds without a short name (secrets,
 * insights) have no KRI. The table names every kind Kuma addresses this way,
 * served here or not yet, so a kind added later needs no edit elsewhere.
 */
import type { ResourceDraft } from './resource.js';

const KRI_TYPES: Readonly<Record<string, string>> = {
  Dataplane: 'dp',
  HostnameGenerator: 'hg',
  Mesh: 'm',
  MeshAccessLog: 'mal',
  MeshCircuitBreaker: 'mcb',
  MeshExternalService: 'extsvc',
  MeshFaultInjection: 'mfi',
  MeshGateway: 'mgw',
  MeshHTTPRoute: 'mhttpr',
  MeshHealthCheck: 'mhc',
  MeshIdentity: 'mid',
  MeshLoadBalancingStrategy: 'mlbs',
  MeshMetric: 'mm',
  MeshMultiZoneService: 'mzsvc',
  MeshOpenTelemetryBackend: 'motb',
  MeshPassthrough: 'mp',
  MeshProxyPatch: 'mpp',
  MeshRateLimit: 'mrl',
  MeshRetry: 'mr',
  MeshService: 'msvc',
  MeshTCPRoute: 'mtcpr',
  MeshTLS: 'mtls',
  MeshTimeout: 'mt',
  MeshTrace: 'mtr',
  MeshTrafficPermission: 'mtp',
  MeshTrust: 'mtrust',
  MeshZoneAddress: 'mza',
  Workload: 'wl',
  Zone: 'z',
  ZoneEgress: 'ze',
  ZoneIngress: 'zi',
};
const KIND_OF_TYPE = new Map(Object.entries(KRI_TYPES).map(([kind, type]) => [type, kind]));

export const ZONE_LABEL = 'kuma.io/zone';
export const NAMESPACE_LABEL = 'k8s.kuma.io/namespace';
export const DISPLAY_NAME_LABEL = 'kuma.io/display-name';

export interface Kri {
  /** The kind's `type`: `MeshTrafficPermission`. */
  readonly kind: string;
  readonly mesh: string;
  readonly zone: string;
  readonly namespace: string;
  readonly name: string;
  readonly section: string;
}

/** Kuma's short type of a kind, or undefined for kinds without a KRI. */
export const kriTypeOf = (kind: string): string | undefined => KRI_TYPES[kind];

export function formatKri(id: Kri): string {
  return `kri_${KRI_TYPES[id.kind] ?? ''}_${id.mesh}_${id.zone}_${id.namespace}_${id.name}_${id.section}`;
}

/** The KRI of a stored resource, or undefined when its kind has none. */
export function kriOf(resource: Pick<ResourceDraft, 'kind' | 'mesh' | 'name' | 'labels'>): string | undefined {
  if (KRI_TYPES[resource.kind] === undefined) return undefined;
  return formatKri({
    kind: resource.kind,
    mesh: resource.mesh,
    zone: resource.labels[ZONE_LABEL] ?? '',
    namespace: resource.labels[NAMESPACE_LABEL] ?? '',
    name: resource.labels[DISPLAY_NAME_LABEL] ?? resource.name,
    section: '',
  });
}

/** Reads a KRI; a malformed one is an Error saying why, in Kuma's words. */
export function parseKri(text: string): Kri | Error {
  const parts = text.split('_');
  if (parts.length < 7) return new Error(`invalid identifier string: ${JSON.stringify(text)}`);
  if (parts[0] !== 'kri') return new Error(`identifier must start with 'kri': ${JSON.stringify(text)}`);
  const kind = KIND_OF_TYPE.get(parts[1]!);
  if (kind === undefined) return new Error(`unknown short name of resource type: ${JSON.stringify(parts[1])}`);
  const [mesh, zone, namespace, name] = parts.slice(2, 6) as [string, string, string, string];
  // Whatever follows the name is the section, its parts joined as Kuma joins them (without a separator).
  return { kind, mesh, zone, namespace, name, section: parts.slice(6).join('') };
}
