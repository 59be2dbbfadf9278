/**
 * The MeshRetry plugin: retries of a proxy's outbound traffic, resolved per
 * destination service from `to[]` (retry-settings.ts says which section
 * applies and how it reads):
 *
 *   Envoy  http, http2  route configuration outbound:<service>: retry_policy on every route (http section)
 *          grpc         the same, from the grpc section
 *          tcp          listener outbound:<ip>:<port>: tcp_proxy max_connect_attempts
 *   gRPC   any          route configuration outbound:<service>: retry_policy from the grpc
 *                       section, within what grpc-js-xds reads; the rest is a warning
 *
 * A MeshRetry whose top-level targetRef is a MeshHTTPRoute sets the retry
 * policy of that route's Routes only, over the destination's (both flavours).
 *
 * `http.hostSelection` becomes Envoy retry host predicates and a retry
 * priority (retry-settings.ts). Proxyless gRPC never gets an http section.
 */
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../../xds/envoy/gen/envoy/config/route/v3/route_pb.js';
import { editRouteActions, editTcpProxies, type OutboundContext, type ProxyContext } from '../../xds/generate/index.js';
import { defineEdit, outboundRouteConfigurations, type ProxyResources } from '../../xds/generate/index.js';
import {
  type MatchedPolicy,
  type PluginContext,
  type PolicyPlugin,
  outboundRouteConfsOf,
  resolveTo,
  serviceDestination,
} from '../core/index.js';
import {
  buildMeshRetryPolicy,
  envoyGrpcRetry,
  envoyHttpRetry,
  proxylessGrpcRetry,
  sectionFor,
  type MeshRetryInput,
} from './retry-settings.js';
import type { MeshRetryConf } from './schema.js';

type Edit<T> = (message: T) => T;
type Warn = (message: string) => void;

/** Edits by what each resource was generated for (xds/generate/origins.ts): outbound listeners by outbound, route configurations by service. */
interface Plan {
  readonly listeners: Map<OutboundContext, Edit<Listener>>;
  readonly routes: Map<string, Edit<RouteConfiguration>>;
}

/** The conf `to[]` gives traffic to a destination service; undefined when no entry covers it. */
export const outboundConf = (
  proxy: ProxyContext,
  matched: readonly MatchedPolicy[],
  service: string,
): MeshRetryConf | undefined =>
  resolveTo(matched, serviceDestination(proxy, service)).conf as MeshRetryConf | undefined;

/**
 * The retry policy of every forwarding route: `perRoute`'s for the Routes it
 * names (undefined: no retries there), `base` for the rest (undefined: left
 * as generated).
 */
const withRetries = defineEdit(
  'MeshRetry routes',
  RouteConfigurationSchema,
  (
    copy,
    {
      base,
      perRoute,
    }: { flavour: string; base?: MeshRetryInput; perRoute: readonly (readonly [string, MeshRetryInput | undefined])[] },
  ) => {
    const basePolicy = base && buildMeshRetryPolicy(base);
    const byRoute = new Map(perRoute);
    editRouteActions(copy, (action, route) => {
      if (byRoute.has(route.name)) {
        const input = byRoute.get(route.name);
        action.retryPolicy = input && buildMeshRetryPolicy(input);
      } else if (basePolicy) action.retryPolicy = basePolicy;
    });
  },
);

const retryEdit = (
  flavour: string,
  base: MeshRetryInput | undefined,
  perRoute: ReadonlyMap<string, MeshRetryInput | undefined>,
): Edit<RouteConfiguration> => withRetries.for({ flavour, ...(base ? { base } : {}), perRoute: [...perRoute] });

const withConnectAttempts = defineEdit(
  'MeshRetry connect attempts',
  ListenerSchema,
  (copy, { attempts }: { attempts: number }) => editTcpProxies(copy, (tcp) => (tcp.maxConnectAttempts = attempts)),
);

const connectAttemptsEdit = (attempts: number): Edit<Listener> => withConnectAttempts.for({ attempts });

/** The route configuration of each destination service: where route-scoped policies find the Routes they target. */
type RouteConfigs = ReadonlyMap<string, RouteConfiguration>;

/** The confs of the Routes to `service` that MeshRetries configure as routes, by Route name. */
const routeConfs = (proxy: ProxyContext, configs: RouteConfigs, matched: readonly MatchedPolicy[], service: string) =>
  outboundRouteConfsOf(proxy, configs.get(service), matched, service) as Map<string, MeshRetryConf | undefined>;

const mapValues = <K, V, W>(map: ReadonlyMap<K, V>, f: (value: V, key: K) => W): Map<K, W> =>
  new Map([...map].map(([k, v]) => [k, f(v, k)]));

function planEnvoy(proxy: ProxyContext, matched: readonly MatchedPolicy[], configs: RouteConfigs): Plan {
  const plan: Plan = { listeners: new Map(), routes: new Map() };
  for (const outbound of proxy.outbounds) {
    const conf = outboundConf(proxy, matched, outbound.service);
    const section = sectionFor(proxy.destinations.get(outbound.service)?.protocol ?? 'tcp');
    if (section === 'tcp') {
      if (conf?.tcp) plan.listeners.set(outbound, connectAttemptsEdit(conf.tcp.maxConnectAttempt));
      continue;
    }
    const inputOf = (c: MeshRetryConf | undefined): MeshRetryInput | undefined =>
      section === 'grpc' ? c?.grpc && envoyGrpcRetry(c.grpc) : c?.http && envoyHttpRetry(c.http);
    const base = inputOf(conf);
    const perRoute = mapValues(routeConfs(proxy, configs, matched, outbound.service), inputOf);
    if (base || perRoute.size > 0) plan.routes.set(outbound.service, retryEdit('envoy', base, perRoute));
  }
  return plan;
}

function planGrpc(proxy: ProxyContext, matched: readonly MatchedPolicy[], configs: RouteConfigs, warn: Warn): Plan {
  const plan: Plan = { listeners: new Map(), routes: new Map() };
  for (const service of new Set(proxy.outbounds.map((o) => o.service))) {
    // The section a sidecar would apply here, when it is not grpc, does not reach a gRPC client's calls.
    const envoySection = sectionFor(proxy.destinations.get(service)?.protocol ?? 'tcp');
    const policyOf = (conf: MeshRetryConf | undefined, where: string): MeshRetryInput | undefined => {
      if (conf === undefined) return undefined;
      if (envoySection !== 'grpc' && conf[envoySection] !== undefined)
        warn(
          `${where}: ${envoySection} section not applied: a proxyless gRPC client retries gRPC calls by the grpc section only`,
        );
      if (!conf.grpc) return undefined;
      const { policy, unapplied } = proxylessGrpcRetry(conf.grpc);
      for (const message of unapplied) warn(`${where}: ${message}`);
      return policy;
    };
    const base = policyOf(outboundConf(proxy, matched, service), `to ${service}`);
    const perRoute = mapValues(routeConfs(proxy, configs, matched, service), (c, route) =>
      policyOf(c, `route ${route} to ${service}`),
    );
    if (base || perRoute.size > 0) plan.routes.set(service, retryEdit('grpc', base, perRoute));
  }
  return plan;
}

export const meshRetryPlugin = {
  kind: 'MeshRetry',
  apply(resources: ProxyResources, { proxy, matched, warn }: PluginContext): ProxyResources {
    const configs = outboundRouteConfigurations(resources);
    const plan =
      proxy.flavour === 'grpc' ? planGrpc(proxy, matched, configs, warn) : planEnvoy(proxy, matched, configs);
    return resources
      .map(
        'listeners',
        (listener, origin) =>
          (origin.kind === 'outbound' ? plan.listeners.get(origin.outbound)?.(listener) : undefined) ?? listener,
      )
      .map('routeConfigurations', (config, origin) => plan.routes.get(origin.service)?.(config) ?? config);
  },
} satisfies PolicyPlugin<'MeshRetry'>;
