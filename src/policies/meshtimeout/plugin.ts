/**
 * The MeshTimeout plugin: timeouts on a proxy's outbound traffic (`to`,
 * resolved per destination service) and inbound traffic (`from` and `rules`,
 * resolved per inbound), in the flavour the proxy speaks (timeout-settings.ts):
 *
 *   Envoy  to    cluster <service> and its subset clusters, listener outbound:<ip>:<port> (HCM or tcp_proxy),
 *                route configuration outbound:<service>
 *          from  listener inbound:<ip>:<port> (HCM and its inline routes, or tcp_proxy),
 *                cluster localhost:<servicePort>
 *   gRPC   to    route configuration outbound:<service>: max_stream_duration only
 *          from  nothing (grpc-js-xds servers read no timeouts): a warning
 *
 * A MeshTimeout whose top-level targetRef is a MeshHTTPRoute sets the route
 * timeouts of that route's Routes only (Envoy: timeout, idle_timeout and
 * max_stream_duration; gRPC: max_stream_duration), over the destination's.
 *
 * The api_listener of a proxyless client is left alone on purpose: grpc-js-xds
 * 1.14 takes its HCM `common_http_protocol_options.idle_timeout` as the
 * default deadline of every call (resolver-xds.js), so a connection idle
 * timeout there would become a call timeout.
 */
import { ClusterSchema, type Cluster } from '../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../../xds/envoy/gen/envoy/config/route/v3/route_pb.js';
import {
  editHttpConnectionManagers,
  editInlineRouteActions,
  editRouteActions,
  editTcpProxies,
  setConnectionManagerTimeouts,
  setConnectTimeout,
  setRouteTimeouts,
  setTcpProxyIdleTimeout,
  type RouteTimeouts,
  type OutboundContext,
  type ProxyContext,
  type Protocol,
} from '../../xds/generate/index.js';
import {
  type ClusterOrigin,
  defineEdit,
  destinationServiceOf,
  type ListenerOrigin,
  outboundRouteConfigurations,
  type ProxyResources,
} from '../../xds/generate/index.js';
import {
  inboundRules,
  resolveCatchAll,
  type MatchedPolicy,
  type PluginContext,
  type PolicyPlugin,
  outboundRouteConfsOf,
  resolveTo,
  serviceDestination,
} from '../core/index.js';
import type { MeshTimeoutConf } from './schema.js';
import {
  envoyTimeouts,
  grpcCallLimitMs,
  grpcClientUnapplied,
  hasZeroConnectTimeout,
  setFields,
  type EnvoyTimeouts,
} from './timeout-settings.js';

type Edit<T> = (message: T) => T;

/** Pending edits of one proxy's resources, by what each resource was generated for (xds/generate/origins.ts). */
class Edits {
  readonly outboundListeners = new Map<OutboundContext, Edit<Listener>>();
  /** By the inbound's position. */
  readonly inboundListeners = new Map<number, Edit<Listener>>();
  /** By destination service. */
  readonly routes = new Map<string, Edit<RouteConfiguration>>();
  /** The edit each inbound would make to its local cluster, by the inbound's position. */
  readonly localClusters = new Map<number, Edit<Cluster>>();
  /** Edits of a destination service's cluster, which its subset clusters get too. */
  readonly serviceClusters = new Map<string, Edit<Cluster>>();

  #listenerEdit(origin: ListenerOrigin): Edit<Listener> | undefined {
    if (origin.kind === 'outbound') return this.outboundListeners.get(origin.outbound);
    return origin.kind === 'inbound' ? this.inboundListeners.get(origin.position) : undefined;
  }

  #clusterEdit(origin: ClusterOrigin): Edit<Cluster> | undefined {
    if (origin.kind === 'local') {
      // Inbounds sharing a service port share the local cluster: the first of them (in the proxy's order) with a conf decides.
      const positions = origin.inbounds.map((inbound) => inbound.position).sort((a, b) => a - b);
      return positions.map((position) => this.localClusters.get(position)).find((edit) => edit !== undefined);
    }
    const service = destinationServiceOf(origin);
    return service === undefined ? undefined : this.serviceClusters.get(service);
  }

  applyTo(resources: ProxyResources): ProxyResources {
    return resources
      .map('listeners', (listener, origin) => this.#listenerEdit(origin)?.(listener) ?? listener)
      .map('routeConfigurations', (config, origin) => this.routes.get(origin.service)?.(config) ?? config)
      .map('clusters', (cluster, origin) => this.#clusterEdit(origin)?.(cluster) ?? cluster);
  }
}

const isHttp = (protocol: Protocol): boolean => protocol !== 'tcp';

/** The conf `to[]` gives traffic to a destination service; undefined when no entry covers it. */
export const outboundConf = (
  proxy: ProxyContext,
  matched: readonly MatchedPolicy[],
  service: string,
): MeshTimeoutConf | undefined =>
  resolveTo(matched, serviceDestination(proxy, service)).conf as MeshTimeoutConf | undefined;

/** The conf for every request an inbound receives: `rules`, or `from` entries for the whole mesh. */
export const inboundConf = (matched: readonly MatchedPolicy[], inbound: number): MeshTimeoutConf | undefined =>
  resolveCatchAll(inboundRules(matched, inbound, { fromAsRules: true })) as MeshTimeoutConf | undefined;

const withConnectTimeout = defineEdit(
  'MeshTimeout connect',
  ClusterSchema,
  (copy, { connectMs }: { connectMs: number }) => setConnectTimeout(copy, connectMs),
);

const clusterEdit = ({ connectTimeoutMs }: EnvoyTimeouts): Edit<Cluster> | undefined =>
  connectTimeoutMs === undefined ? undefined : withConnectTimeout.for({ connectMs: connectTimeoutMs });

/** The listener's HCMs (and their inline routes) or TCP proxies, by protocol. */
const withListenerTimeouts = defineEdit(
  'MeshTimeout listener',
  ListenerSchema,
  (copy, { timeouts, protocol }: { timeouts: EnvoyTimeouts; protocol: Protocol }) => {
    if (isHttp(protocol))
      editHttpConnectionManagers(copy, (hcm) => {
        setConnectionManagerTimeouts(hcm, timeouts.connectionManager);
        editInlineRouteActions(hcm, (action) => setRouteTimeouts(action, timeouts.route));
      });
    else if (timeouts.tcpIdleTimeoutMs !== undefined)
      editTcpProxies(copy, (tcp) => setTcpProxyIdleTimeout(tcp, timeouts.tcpIdleTimeoutMs!));
  },
);

const listenerEdit = (timeouts: EnvoyTimeouts, protocol: Protocol): Edit<Listener> =>
  withListenerTimeouts.for({ timeouts, protocol });

/**
 * Route timeouts on every forwarding route: `perRoute`'s for the Routes it
 * names, `base` (when set) for the rest.
 */
const withRouteTimeouts = defineEdit(
  'MeshTimeout routes',
  RouteConfigurationSchema,
  (
    copy,
    {
      base,
      perRoute,
    }: { flavour: string; base?: RouteTimeouts; perRoute: readonly (readonly [string, RouteTimeouts])[] },
  ) => {
    const byRoute = new Map(perRoute);
    editRouteActions(copy, (action, route) => {
      const timeouts = byRoute.get(route.name) ?? base;
      if (timeouts) setRouteTimeouts(action, timeouts);
    });
  },
);

const routeTimeoutsEdit = (
  flavour: string,
  base: RouteTimeouts | undefined,
  perRoute: ReadonlyMap<string, RouteTimeouts>,
): Edit<RouteConfiguration> => withRouteTimeouts.for({ flavour, ...(base ? { base } : {}), perRoute: [...perRoute] });

/** The route configuration of each destination service: where route-scoped policies find the Routes they target. */
type RouteConfigs = ReadonlyMap<string, RouteConfiguration>;

/** The confs of the Routes to `service` that MeshTimeouts configure as routes, by Route name. */
const routeConfs = (proxy: ProxyContext, configs: RouteConfigs, matched: readonly MatchedPolicy[], service: string) =>
  outboundRouteConfsOf(proxy, configs.get(service), matched, service) as Map<string, MeshTimeoutConf | undefined>;

/** The route timeouts per targeted Route, leaving out Routes whose conf gives none. */
function routeTimeoutsOf(
  confs: ReadonlyMap<string, MeshTimeoutConf | undefined>,
  timeoutsOf: (conf: MeshTimeoutConf, route: string) => RouteTimeouts | undefined,
): Map<string, RouteTimeouts> {
  const result = new Map<string, RouteTimeouts>();
  for (const [route, conf] of confs) {
    const timeouts = conf === undefined ? undefined : timeoutsOf(conf, route);
    if (timeouts !== undefined) result.set(route, timeouts);
  }
  return result;
}

function warnZeroConnect(conf: MeshTimeoutConf, where: string, warn: (message: string) => void): void {
  if (hasZeroConnectTimeout(conf))
    warn(`${where}: connectionTimeout 0s not applied: Envoy requires a connect timeout greater than 0`);
}

function planEnvoy(
  proxy: ProxyContext,
  matched: readonly MatchedPolicy[],
  configs: RouteConfigs,
  warn: (message: string) => void,
): Edits {
  const edits = new Edits();
  for (const outbound of proxy.outbounds) {
    const conf = outboundConf(proxy, matched, outbound.service);
    const protocol = proxy.destinations.get(outbound.service)?.protocol ?? 'tcp';
    const perRoute = isHttp(protocol)
      ? routeTimeoutsOf(routeConfs(proxy, configs, matched, outbound.service), (c) => envoyTimeouts(c).route)
      : new Map<string, RouteTimeouts>();
    if (conf === undefined) {
      if (perRoute.size > 0) edits.routes.set(outbound.service, routeTimeoutsEdit('envoy', undefined, perRoute));
      continue;
    }
    const timeouts = envoyTimeouts(conf);
    warnZeroConnect(conf, `to ${outbound.service}`, warn);
    edits.outboundListeners.set(outbound, listenerEdit(timeouts, protocol));
    if (isHttp(protocol)) edits.routes.set(outbound.service, routeTimeoutsEdit('envoy', timeouts.route, perRoute));
    const cluster = clusterEdit(timeouts);
    if (cluster) edits.serviceClusters.set(outbound.service, cluster);
  }
  proxy.inbounds.forEach((inbound, index) => {
    const conf = inboundConf(matched, index);
    if (conf === undefined) return;
    const timeouts = envoyTimeouts(conf);
    warnZeroConnect(conf, `inbound ${inbound.address}:${inbound.port}`, warn);
    edits.inboundListeners.set(index, listenerEdit(timeouts, inbound.protocol));
    const cluster = clusterEdit(timeouts);
    if (cluster) edits.localClusters.set(index, cluster);
  });
  return edits;
}

function planGrpc(
  proxy: ProxyContext,
  matched: readonly MatchedPolicy[],
  configs: RouteConfigs,
  warn: (message: string) => void,
): Edits {
  const edits = new Edits();
  for (const service of new Set(proxy.outbounds.map((o) => o.service))) {
    const callLimit = (conf: MeshTimeoutConf, where: string): RouteTimeouts | undefined => {
      const unapplied = grpcClientUnapplied(conf);
      if (unapplied.length > 0)
        warn(
          `${where}: ${unapplied.join(', ')} not applied: proxyless gRPC bounds a call only by its route's max_stream_duration`,
        );
      const limitMs = grpcCallLimitMs(conf);
      return limitMs === undefined ? undefined : { maxStreamDurationMs: limitMs };
    };
    const conf = outboundConf(proxy, matched, service);
    const base = conf === undefined ? undefined : callLimit(conf, `to ${service}`);
    const perRoute = routeTimeoutsOf(routeConfs(proxy, configs, matched, service), (c, route) =>
      callLimit(c, `route ${route} to ${service}`),
    );
    if (base !== undefined || perRoute.size > 0) edits.routes.set(service, routeTimeoutsEdit('grpc', base, perRoute));
  }
  proxy.inbounds.forEach((inbound, index) => {
    const conf = inboundConf(matched, index);
    const fields = conf === undefined ? [] : setFields(conf);
    if (fields.length > 0)
      warn(
        `inbound ${inbound.address}:${inbound.port}: ${fields.join(', ')} not applied: grpc-js-xds servers take no timeouts from xDS`,
      );
  });
  return edits;
}

export const meshTimeoutPlugin = {
  kind: 'MeshTimeout',
  apply(resources: ProxyResources, { proxy, matched, warn }: PluginContext): ProxyResources {
    const configs = outboundRouteConfigurations(resources);
    const edits =
      proxy.flavour === 'grpc' ? planGrpc(proxy, matched, configs, warn) : planEnvoy(proxy, matched, configs, warn);
    return edits.applyTo(resources);
  },
} satisfies PolicyPlugin<'MeshTimeout'>;
