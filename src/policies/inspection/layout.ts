/**
 * What a proxy is made of, by identity: the answer of
 * `GET /meshes/{mesh}/dataplanes/{name}/_layout`. Pure: the Dataplane and the
 * mesh's destination resources (MeshService, MeshExternalService,
 * MeshMultiZoneService) in, Kuma's layout out:
 *
 *   inbounds   one per `networking.inbound[]`, named by section (its name, else its port)
 *   listeners  zone ingress and egress listeners of `networking.listeners[]`
 *   outbounds  one per port of each destination the proxy can reach, sorted by KRI:
 *              the ones its `networking.outbound[]` backendRefs name when it lists
 *              any, else every destination of the mesh
 */
import type { Labels, Resource } from '../../api/index.js';
import { selectorMatches } from '../core/index.js';
import { formatKri, kriOf, type ShortTypeOf } from './kri.js';

export interface LayoutInbound {
  readonly kri: string;
  readonly port: number;
  readonly protocol: string;
  readonly proxyResourceName: string;
}

export interface LayoutListener {
  readonly kri: string;
  readonly type: 'ZoneIngress' | 'ZoneEgress';
  readonly port: number;
  readonly proxyResourceName: string;
}

export interface LayoutOutbound {
  readonly kri: string;
  readonly port: number;
  readonly protocol: string;
  readonly proxyResourceName: string;
}

export interface DataplaneLayout {
  readonly kri: string;
  readonly labels: Labels;
  readonly inbounds: readonly LayoutInbound[];
  readonly listeners: readonly LayoutListener[];
  readonly outbounds: readonly LayoutOutbound[];
}

/** One port of a destination resource, as an outbound reaches it. */
export interface DestinationPort {
  readonly resource: Resource;
  /** Its section: the port's name, else its number. */
  readonly sectionName: string;
  /** The port's name, when it has one. */
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
}

interface InboundSpec {
  readonly port: number;
  readonly name?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly protocol?: string;
}
interface ListenerSpec {
  readonly type?: string;
  readonly port?: number;
  readonly name?: string;
}
interface BackendRefSpec {
  readonly kind?: string;
  readonly name?: string;
  readonly port?: number;
  readonly labels?: Labels;
}
interface PortSpec {
  readonly name?: string;
  readonly port?: number;
  readonly appProtocol?: string;
}

const DISPLAY_NAME = 'kuma.io/display-name';

const networkingOf = (dataplane: Resource): Record<string, unknown> =>
  (dataplane.spec['networking'] as Record<string, unknown> | undefined) ?? {};
const listOf = <T>(value: unknown): readonly T[] => (Array.isArray(value) ? (value as T[]) : []);

/** An inbound's section name: its name, else its port. */
export const inboundSectionName = (inbound: InboundSpec): string => inbound.name ?? String(inbound.port);

export const dataplaneInbounds = (dataplane: Resource): readonly InboundSpec[] =>
  listOf<InboundSpec>(networkingOf(dataplane)['inbound']);

export const dataplaneListeners = (dataplane: Resource): readonly ListenerSpec[] =>
  listOf<ListenerSpec>(networkingOf(dataplane)['listeners']);

/** Every port of a destination resource, with its section and protocol. */
export function destinationPorts(resource: Resource): DestinationPort[] {
  if (resource.kind === 'MeshExternalService') {
    const match = (resource.spec['match'] as { port?: number; protocol?: string } | undefined) ?? {};
    if (match.port === undefined) return [];
    return [{ resource, sectionName: String(match.port), port: match.port, protocol: match.protocol ?? 'tcp' }];
  }
  return listOf<PortSpec>(resource.spec['ports']).flatMap((p) =>
    p.port === undefined
      ? []
      : [
          {
            resource,
            sectionName: p.name ?? String(p.port),
            ...(p.name === undefined ? {} : { name: p.name }),
            port: p.port,
            protocol: p.appProtocol ?? 'tcp',
          },
        ],
  );
}

/** Whether a backendRef names the resource: by name (its own or its display name) or by labels. */
function refersTo(ref: BackendRefSpec, resource: Resource): boolean {
  if (ref.kind !== resource.kind) return false;
  if (ref.name !== undefined) return ref.name === resource.name || ref.name === resource.labels[DISPLAY_NAME];
  return ref.labels !== undefined && selectorMatches(ref.labels, resource.labels);
}

/** The destination ports the proxy reaches: what its outbounds name, or everything in the mesh. */
export function reachablePorts(dataplane: Resource, destinations: readonly Resource[]): DestinationPort[] {
  const outbounds = listOf<{ backendRef?: BackendRefSpec }>(networkingOf(dataplane)['outbound']);
  const all = destinations.filter((d) => d.mesh === dataplane.mesh).flatMap(destinationPorts);
  // A proxy that lists its outbounds (no transparent proxy) reaches only what they name.
  if (outbounds.length === 0) return all;
  const refs = outbounds.map((outbound) => outbound.backendRef).filter((ref) => ref !== undefined);
  return all.filter((p) =>
    refs.some((ref) => refersTo(ref, p.resource) && (ref.port === undefined || ref.port === p.port)),
  );
}

const LISTENER_NAMES: Readonly<Record<string, string>> = {
  ZoneIngress: 'self_zoneingress_dp_',
  ZoneEgress: 'self_zoneegress_dp_',
};

export function dataplaneLayout(
  dataplane: Resource,
  destinations: readonly Resource[],
  shortTypeOf: ShortTypeOf,
): DataplaneLayout {
  const dp = shortTypeOf('Dataplane') ?? 'dp';
  const inbounds = dataplaneInbounds(dataplane).map((inbound) => {
    const section = inboundSectionName(inbound);
    return {
      kri: formatKri(kriOf(dataplane, dp, section)),
      port: inbound.port,
      protocol: inbound.protocol || (inbound.tags?.['kuma.io/protocol'] ?? 'tcp'),
      proxyResourceName: `self_inbound_dp_${section}`,
    };
  });
  const listeners = dataplaneListeners(dataplane).flatMap((listener): LayoutListener[] => {
    const prefix = LISTENER_NAMES[listener.type ?? ''];
    if (prefix === undefined || listener.port === undefined) return [];
    const section = listener.name ?? String(listener.port);
    return [
      {
        kri: formatKri(kriOf(dataplane, dp, section)),
        type: listener.type as LayoutListener['type'],
        port: listener.port,
        proxyResourceName: `${prefix}${section}`,
      },
    ];
  });
  const outbounds = reachablePorts(dataplane, destinations)
    .flatMap((p) => {
      const shortType = shortTypeOf(p.resource.kind);
      if (shortType === undefined) return [];
      const kri = formatKri(kriOf(p.resource, shortType, p.sectionName));
      return [{ kri, port: p.port, protocol: p.protocol, proxyResourceName: kri }];
    })
    .sort((a, b) => (a.kri < b.kri ? -1 : a.kri > b.kri ? 1 : 0));
  return { kri: formatKri(kriOf(dataplane, dp)), labels: dataplane.labels, inbounds, listeners, outbounds };
}
