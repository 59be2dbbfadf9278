/**
 * What a modification's `match` can ask of a generated resource besides its
 * name: its origin (`inbound`, `outbound`: which generator made it, Kuma's
 * resource origins) and, for a listener, its tags. Koguma's resources carry
 * neither, so both are read off the proxy's context and the names the
 * generators give (xds/generate/names.ts):
 *
 *   listener inbound:<ip>:<port> | grpc/server?...=<ip>:<port> → inbound, the inbound's tags
 *   listener outbound:<ip>:<port> | <service> (gRPC api listener) → outbound, kuma.io/service: <service>
 *   cluster localhost:<port> → inbound; any other cluster → outbound
 *   route configuration inbound:<service> | outbound:<service> → by its prefix
 */
import type { Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { TrafficDirection } from '../../xds/generate/builders/listener.js';
import { grpcServerListenerName, inboundListenerName, localClusterName, outboundListenerName } from '../../xds/generate/names.js';
import type { ProxyContext } from '../../xds/generate/proxy-context.js';

export type Origin = 'inbound' | 'outbound';

export interface ListenerFacts {
  readonly origin: Origin | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

export interface ResourceFacts {
  listener(listener: Listener): ListenerFacts;
  clusterOrigin(name: string): Origin;
  routeConfigurationOrigin(name: string): Origin | undefined;
}

export function resourceFactsOf(proxy: ProxyContext): ResourceFacts {
  const listeners = new Map<string, ListenerFacts>();
  const localClusters = new Set<string>();
  for (const inbound of proxy.inbounds) {
    const facts = { origin: 'inbound', tags: inbound.tags } as const;
    listeners.set(inboundListenerName(inbound.address, inbound.port), facts);
    listeners.set(grpcServerListenerName(inbound.address, inbound.port), facts);
    localClusters.add(localClusterName(inbound.servicePort));
  }
  for (const outbound of proxy.outbounds) {
    const facts = { origin: 'outbound', tags: { 'kuma.io/service': outbound.service } } as const;
    listeners.set(proxy.flavour === 'grpc' ? outbound.service : outboundListenerName(outbound.address, outbound.port), facts);
  }
  return {
    listener: (listener) => listeners.get(listener.name) ?? { origin: originOfDirection(listener.trafficDirection), tags: {} },
    clusterOrigin: (name) => (localClusters.has(name) ? 'inbound' : 'outbound'),
    routeConfigurationOrigin: (name) => (name.startsWith('inbound:') ? 'inbound' : name.startsWith('outbound:') ? 'outbound' : undefined),
  };
}

function originOfDirection(direction: TrafficDirection): Origin | undefined {
  if (direction === TrafficDirection.INBOUND) return 'inbound';
  if (direction === TrafficDirection.OUTBOUND) return 'outbound';
  return undefined;
}

/** Whether every tag a match asks for is on the listener. */
export const hasTags = (facts: ListenerFacts, wanted: Readonly<Record<string, string>> | undefined): boolean =>
  Object.entries(wanted ?? {}).every(([key, value]) => facts.tags[key] === value);
