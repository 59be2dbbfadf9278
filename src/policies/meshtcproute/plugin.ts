/**
 * The MeshTCPRoute plugin (order 200): splits a proxy's outbound traffic to a
 * destination between backends by weight, at layer 4.
 *
 *   tcp destination:  Listener outbound:<ip>:<port>
 *                       └ tcp_proxy ─► `cluster` <service> (generated)
 *                                   ─► `weighted_clusters` [<service>_version_v1: 90, <service>_version_v2: 10]
 *                                      or `cluster` when one backend remains
 *   HTTP destination: RouteConfiguration outbound:<service>, its catch-all route
 *                       (the only one: no MeshHTTPRoute covers it) ─► the same clusters
 *   Cluster / ClusterLoadAssignment <service>_<tag>_<value>...   per subset backend
 *                                   (naming and rules in meshhttproute/backends.ts)
 *
 * For tcp the split is per connection: every byte of a connection goes to the
 * backend chosen when it opened. A destination speaking HTTP keeps its HTTP
 * connection manager (its other policies, timeouts, retries, still apply), and
 * the split is per request, which gives the same shares. When a MeshHTTPRoute
 * covers that destination too it takes precedence, as in Kuma, and the
 * MeshTCPRoute is reported and left out.
 *
 * Proxyless gRPC speaks HTTP/2 only and has no TCP routing: a MeshTCPRoute
 * covering one of its destinations is reported and ignored.
 */
import { anyPack, anyUnpack } from '@bufbuild/protobuf/wkt';
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { TcpProxySchema } from '../../xds/envoy/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';
import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../../xds/envoy/gen/envoy/config/route/v3/route_pb.js';
import {
  routeClusterSpecifier,
  TCP_PROXY_NAME,
  tcpProxyClusterSpecifier,
  type WeightedClusterInput,
  type OutboundContext,
  type ProxyContext,
} from '../../xds/generate/index.js';
import {
  defineEdit,
  outboundListeners,
  outboundRouteConfigurations,
  type ProxyResources,
} from '../../xds/generate/index.js';
import { type PluginContext, type PolicyPlugin, mergeConfs, serviceDestination, toEntriesFor } from '../core/index.js';
import { BackendClusters, httpRouteRulesFor } from '../meshhttproute/index.js';
import type { MeshTCPRouteConf } from './schema.js';

/** The merged conf of the one rule of every `to[]` entry covering the service, lowest priority first (lists are replaced). */
function tcpRouteConfFor(
  context: PluginContext,
  service: string,
): { conf: MeshTCPRouteConf; policies: string[] } | undefined {
  const entries = toEntriesFor(context.matched, serviceDestination(context.proxy, service));
  if (entries.length === 0) return undefined;
  const conf = mergeConfs(
    entries.map(({ entry }) => (entry as { rules?: readonly { default?: unknown }[] }).rules?.[0]?.default),
  );
  return { conf: (conf ?? {}) as MeshTCPRouteConf, policies: [...new Set(entries.map((e) => e.policy.name))] };
}

const hasTcpProxy = (listener: Listener): boolean =>
  listener.filterChains.some((chain) => chain.filters.some((f) => f.name === TCP_PROXY_NAME));

type Split = { readonly clusters: readonly WeightedClusterInput[] };

/** A copy of the outbound listener with its tcp_proxy sending to `clusters`. */
const withWeightedClusters = defineEdit('MeshTCPRoute listener', ListenerSchema, (copy, { clusters }: Split) => {
  for (const chain of copy.filterChains) {
    for (const filter of chain.filters) {
      if (filter.name !== TCP_PROXY_NAME || filter.configType.case !== 'typedConfig') continue;
      const tcpProxy = anyUnpack(filter.configType.value, TcpProxySchema);
      if (tcpProxy === undefined) continue;
      tcpProxy.clusterSpecifier = tcpProxyClusterSpecifier(clusters);
      filter.configType = { case: 'typedConfig', value: anyPack(TcpProxySchema, tcpProxy) };
    }
  }
});

/** A copy of the route configuration whose catch-all (last) route sends to `clusters`. */
const withWeightedCatchAll = defineEdit(
  'MeshTCPRoute catch-all route',
  RouteConfigurationSchema,
  (copy, { clusters }: Split) => {
    const catchAll = copy.virtualHosts[0]?.routes.at(-1);
    if (catchAll?.action.case === 'route') catchAll.action.value.clusterSpecifier = routeClusterSpecifier(clusters);
  },
);

/** What the plugin edits, as it stands: outbound listeners by outbound, route configurations by destination service. */
interface Edits {
  readonly listeners: Map<OutboundContext, Listener>;
  readonly routeConfigurations: Map<string, RouteConfiguration>;
  readonly backends: BackendClusters;
}

const httpRouted = (context: PluginContext, service: string): boolean =>
  httpRouteRulesFor(context.proxy.policies?.get('MeshHTTPRoute') ?? [], serviceDestination(context.proxy, service))
    .length > 0;

function routeOutbound(outbound: OutboundContext, edits: Edits, context: PluginContext): void {
  const resolved = tcpRouteConfFor(context, outbound.service);
  const listener = edits.listeners.get(outbound);
  if (resolved === undefined || listener === undefined) return;
  const where = `route ${resolved.policies.join(',')} to ${outbound.service}`;
  const config = hasTcpProxy(listener) ? undefined : edits.routeConfigurations.get(outbound.service);
  if (config === undefined && !hasTcpProxy(listener)) return;
  if (config !== undefined && httpRouted(context, outbound.service)) {
    context.warn(`${where}: not applied: a MeshHTTPRoute routes ${outbound.service} and takes precedence`);
    return;
  }
  const clusters = edits.backends.weighted(resolved.conf.backendRefs ?? [], where);
  if (clusters.length === 0) context.warn(`${where}: not applied: no backendRef can receive traffic`);
  else if (config !== undefined)
    edits.routeConfigurations.set(outbound.service, withWeightedCatchAll(config, { clusters }));
  else edits.listeners.set(outbound, withWeightedClusters(listener, { clusters }));
}

function warnGrpc(proxy: ProxyContext, context: PluginContext): void {
  for (const service of [...new Set(proxy.outbounds.map((o) => o.service))].sort()) {
    const resolved = tcpRouteConfFor(context, service);
    if (resolved !== undefined)
      context.warn(`route ${resolved.policies.join(',')} to ${service} not applied: proxyless gRPC has no TCP routing`);
  }
}

function apply(resources: ProxyResources, context: PluginContext): ProxyResources {
  const { proxy } = context;
  if (proxy.flavour === 'grpc') {
    warnGrpc(proxy, context);
    return resources;
  }
  const edits: Edits = {
    listeners: new Map(outboundListeners(resources).map(({ listener, outbound }) => [outbound, listener])),
    routeConfigurations: outboundRouteConfigurations(resources),
    backends: new BackendClusters(proxy, resources, context.warn),
  };
  for (const outbound of proxy.outbounds) routeOutbound(outbound, edits, context);
  const routed = resources
    .map(
      'listeners',
      (listener, origin) => (origin.kind === 'outbound' ? edits.listeners.get(origin.outbound) : undefined) ?? listener,
    )
    .map('routeConfigurations', (config, origin) => edits.routeConfigurations.get(origin.service) ?? config);
  return edits.backends.addTo(routed);
}

export const meshTcpRoutePlugin = { kind: 'MeshTCPRoute', apply } satisfies PolicyPlugin<'MeshTCPRoute'>;
