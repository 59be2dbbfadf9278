/**
 * What each resource of a proxy was generated for: its origin. The base
 * generators record it beside the resource (resources.ts `ResourceCollector`),
 * every later step keeps it (an edited copy takes the place, and the origin,
 * of the message it replaces: `ProxyResources.map`), and policy plugins find
 * what they edit by it, through the selections of by-origin.ts, rather than
 * by rebuilding or parsing names. Names stay Kuma's (names.ts) and are only ever
 * made, never read back.
 *
 *   Listener               inbound      an inbound: Envoy inbound listener, gRPC server listener
 *                          outbound     an outbound of an Envoy sidecar (address, port, destination service)
 *                          client       a destination a proxyless gRPC client resolves (its api_listener)
 *                          modification added as written by a MeshProxyPatch
 *   RouteConfiguration     destination  the routes to a destination service (outbound:<service>)
 *   Cluster                local        the workload behind the inbounds with one service port (localhost:<port>)
 *                          destination  a destination service
 *                          subset       the endpoints of a destination with some tags (route backends)
 *                          modification added as written by a MeshProxyPatch
 *   ClusterLoadAssignment  destination | subset: the very origin object of its cluster, which ties
 *                          the two together without their names
 *   Secret                 identity | trust, of a mesh
 */
import { byAddressThenPort } from './destinations.js';
import type { InboundContext, OutboundContext, ProxyContext } from './proxy-context.js';

type Tags = Readonly<Record<string, string>>;

export interface InboundOrigin {
  readonly kind: 'inbound';
  readonly inbound: InboundContext;
  /** The inbound's index in `ProxyContext.inbounds`, which is how policy matching names an inbound. */
  readonly position: number;
}

export interface OutboundOrigin {
  readonly kind: 'outbound';
  /** Its address and port, and `service`, the destination. */
  readonly outbound: OutboundContext;
}

export interface LocalOrigin {
  readonly kind: 'local';
  /** The inbounds it serves, those with its service port, in (address, port) order: the first decided its address and protocol. */
  readonly inbounds: readonly InboundOrigin[];
}

export interface ClientOrigin {
  readonly kind: 'client';
  readonly service: string;
}

export interface DestinationOrigin {
  readonly kind: 'destination';
  readonly service: string;
}

export interface SubsetOrigin {
  readonly kind: 'subset';
  readonly service: string;
  /** The tags every endpoint of the subset has. */
  readonly tags: Tags;
}

export interface ModificationOrigin {
  readonly kind: 'modification';
}

export interface SecretOrigin {
  readonly kind: 'identity' | 'trust';
  readonly mesh: string;
}

export type ListenerOrigin = InboundOrigin | OutboundOrigin | ClientOrigin | ModificationOrigin;
export type RouteConfigurationOrigin = DestinationOrigin;
export type ClusterOrigin = LocalOrigin | DestinationOrigin | SubsetOrigin | ModificationOrigin;
export type LoadAssignmentOrigin = DestinationOrigin | SubsetOrigin;

export const MODIFICATION: ModificationOrigin = Object.freeze({ kind: 'modification' });

/** The proxy's inbounds as origins, in (address, port) order: the order generators add them in. */
export const inboundOriginsOf = (ctx: ProxyContext): InboundOrigin[] =>
  ctx.inbounds
    .map((inbound, position): InboundOrigin => ({ kind: 'inbound', inbound, position }))
    .sort((a, b) => byAddressThenPort(a.inbound, b.inbound));

/** The service whose traffic a cluster carries (its own or a subset cluster); undefined for any other cluster. */
export const destinationServiceOf = (origin: ClusterOrigin | LoadAssignmentOrigin): string | undefined =>
  origin.kind === 'destination' || origin.kind === 'subset' ? origin.service : undefined;
