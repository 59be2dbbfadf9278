/**
 * Selections of a proxy's resources by origin (origins.ts): what a policy
 * plugin edits, each resource with what it was generated for, in the order of
 * the resources (by name). A plugin writes its edits back with
 * `ProxyResources.map`, which keeps every origin.
 */
import type { Cluster } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import type { Listener } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import type { RouteConfiguration } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import type { InboundOrigin } from './origins.js';
import type { InboundContext, OutboundContext } from './proxy-context.js';
import type { ProxyResources } from './resources.js';

/** The listeners of the proxy's inbounds (Envoy inbound listeners, gRPC server listeners), each with its inbound and position. */
export const inboundListeners = (
  resources: ProxyResources,
): { listener: Listener; inbound: InboundContext; position: number }[] =>
  resources
    .entries('listeners')
    .flatMap(({ message, origin }) =>
      origin.kind === 'inbound' ? [{ listener: message, inbound: origin.inbound, position: origin.position }] : [],
    );

/** The listeners of an Envoy sidecar's outbounds. */
export const outboundListeners = (resources: ProxyResources): { listener: Listener; outbound: OutboundContext }[] =>
  resources
    .entries('listeners')
    .flatMap(({ message, origin }) =>
      origin.kind === 'outbound' ? [{ listener: message, outbound: origin.outbound }] : [],
    );

/** The api_listeners of a proxyless gRPC client, by the destination each resolves. */
export const clientListeners = (resources: ProxyResources): { listener: Listener; service: string }[] =>
  resources
    .entries('listeners')
    .flatMap(({ message, origin }) =>
      origin.kind === 'client' ? [{ listener: message, service: origin.service }] : [],
    );

/** The route configuration of each destination service (the one outbound listeners and gRPC clients name over RDS). */
export const outboundRouteConfigurations = (resources: ProxyResources): Map<string, RouteConfiguration> =>
  new Map(resources.entries('routeConfigurations').map(({ message, origin }) => [origin.service, message]));

/** The clusters through which inbounds reach the workload, each with the inbounds it serves. */
export const localClusters = (resources: ProxyResources): { cluster: Cluster; inbounds: readonly InboundOrigin[] }[] =>
  resources
    .entries('clusters')
    .flatMap(({ message, origin }) =>
      origin.kind === 'local' ? [{ cluster: message, inbounds: origin.inbounds }] : [],
    );

/** The cluster of each destination service itself (not its subsets). */
export const serviceClusters = (resources: ProxyResources): Map<string, Cluster> =>
  new Map(
    resources
      .entries('clusters')
      .flatMap(({ message, origin }) => (origin.kind === 'destination' ? [[origin.service, message] as const] : [])),
  );

/**
 * Every cluster carrying traffic to a destination service: its own and its
 * subset clusters (traffic splits), which policies configuring the service's
 * cluster configure alike.
 */
export const destinationClusters = (resources: ProxyResources): { cluster: Cluster; service: string }[] =>
  resources
    .entries('clusters')
    .flatMap(({ message, origin }) =>
      origin.kind === 'destination' || origin.kind === 'subset' ? [{ cluster: message, service: origin.service }] : [],
    );
