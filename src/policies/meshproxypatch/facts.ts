/**
 * What a modification's `match` can ask of a resource besides its name: its
 * origin as Kuma names it (`inbound`, `outbound`) and, for a listener, its
 * tags. Both come from the origin the generators recorded
 * (xds/generate/origins.ts):
 *
 *   listener   inbound → inbound, the inbound's tags
 *              outbound (Envoy), client (gRPC api listener) → outbound, kuma.io/service: <service>
 *              added by a modification → by its traffic direction, no tags
 *   cluster    local → inbound; any other → outbound
 *   route configuration (RDS) → outbound: the generators make them for destinations only
 *
 * A modification that adds a resource in place of one of the same name
 * leaves it the origin of the one it replaces (modifications.ts).
 */
import type { Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { TrafficDirection } from '../../xds/generate/index.js';
import { type ClusterOrigin, type ListenerOrigin } from '../../xds/generate/index.js';

export type Origin = 'inbound' | 'outbound';

export interface ListenerFacts {
  readonly origin: Origin | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

const SERVICE_TAG = 'kuma.io/service';

export function listenerFacts(listener: Listener, origin: ListenerOrigin): ListenerFacts {
  switch (origin.kind) {
    case 'inbound':
      return { origin: 'inbound', tags: origin.inbound.tags };
    case 'outbound':
      return { origin: 'outbound', tags: { [SERVICE_TAG]: origin.outbound.service } };
    case 'client':
      return { origin: 'outbound', tags: { [SERVICE_TAG]: origin.service } };
    case 'modification':
      return { origin: originOfDirection(listener.trafficDirection), tags: {} };
  }
}

export const clusterOriginOf = (origin: ClusterOrigin): Origin => (origin.kind === 'local' ? 'inbound' : 'outbound');

/** Every route configuration served over RDS is made for a destination. */
export const ROUTE_CONFIGURATION_ORIGIN: Origin = 'outbound';

function originOfDirection(direction: TrafficDirection): Origin | undefined {
  if (direction === TrafficDirection.INBOUND) return 'inbound';
  if (direction === TrafficDirection.OUTBOUND) return 'outbound';
  return undefined;
}

/** Whether every tag a match asks for is on the listener. */
export const hasTags = (facts: ListenerFacts, wanted: Readonly<Record<string, string>> | undefined): boolean =>
  Object.entries(wanted ?? {}).every(([key, value]) => facts.tags[key] === value);
