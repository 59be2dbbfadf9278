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
 * `http.hostSelection` is not applied: its Envoy extensions (retry host
 * predicates, previous priorities) are not among the generated protos, and a
 * typed config the validator cannot check would risk a NACK.
 */
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema, type RouteConfiguration } from '../../xds/envoy/gen/envoy/config/route/v3/route_pb.js';
import { buildRetryPolicy, editRouteActions, editTcpProxies, type RetryPolicyInput } from '../../xds/generate/builders/index.js';
import { outboundListenerName, outboundRouteName } from '../../xds/generate/names.js';
import type { ProxyContext } from '../../xds/generate/proxy-context.js';
import type { ProxyResources } from '../../xds/generate/resources.js';
import { editedCopy } from '../../xds/generate/shared.js';
import type { MatchedPolicy } from '../core/match.js';
import type { PluginContext, PolicyPlugin } from '../core/plugin.js';
import { resolveTo } from '../core/to-rules.js';
import { envoyGrpcRetry, envoyHttpRetry, proxylessGrpcRetry, sectionFor } from './retry-settings.js';
import type { MeshRetryConf } from './schema.js';

type Edit<T> = (message: T) => T;
type Warn = (message: string) => void;

interface Plan {
  readonly listeners: Map<string, Edit<Listener>>;
  readonly routes: Map<string, Edit<RouteConfiguration>>;
}

/** The conf `to[]` gives traffic to a destination service; undefined when no entry covers it. */
export const outboundConf = (matched: readonly MatchedPolicy[], service: string): MeshRetryConf | undefined =>
  resolveTo(matched, { kind: 'MeshService', service }).conf as MeshRetryConf | undefined;

/** The same retry policy on every forwarding route; `key` names it for sharing the copy (shared.ts). */
const retryEdit = (key: string, input: RetryPolicyInput): Edit<RouteConfiguration> => (config) =>
  editedCopy(RouteConfigurationSchema, config, `MeshRetry:${key}`, (copy) => {
    const policy = buildRetryPolicy(input);
    editRouteActions(copy, (action) => (action.retryPolicy = policy));
  });

const connectAttemptsEdit = (attempts: number): Edit<Listener> => (listener) =>
  editedCopy(ListenerSchema, listener, `MeshRetry:connect-attempts:${attempts}`, (copy) =>
    editTcpProxies(copy, (tcp) => (tcp.maxConnectAttempts = attempts)),
  );

const routeRetryKey = (flavour: string, input: RetryPolicyInput): string =>
  `${flavour}:${JSON.stringify(input, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}`;

function planEnvoy(proxy: ProxyContext, matched: readonly MatchedPolicy[], warn: Warn): Plan {
  const plan: Plan = { listeners: new Map(), routes: new Map() };
  for (const outbound of proxy.outbounds) {
    const conf = outboundConf(matched, outbound.service);
    if (conf === undefined) continue;
    const section = sectionFor(proxy.destinations.get(outbound.service)?.protocol ?? 'tcp');
    if (section === 'tcp') {
      if (conf.tcp) plan.listeners.set(outboundListenerName(outbound.address, outbound.port), connectAttemptsEdit(conf.tcp.maxConnectAttempt));
      continue;
    }
    if (section === 'http' && conf.http?.hostSelection !== undefined)
      warn(`to ${outbound.service}: http.hostSelection not applied: the retry host predicate extensions are not generated`);
    const input = section === 'grpc' ? conf.grpc && envoyGrpcRetry(conf.grpc) : conf.http && envoyHttpRetry(conf.http);
    if (input) plan.routes.set(outboundRouteName(outbound.service), retryEdit(routeRetryKey('envoy', input), input));
  }
  return plan;
}

function planGrpc(proxy: ProxyContext, matched: readonly MatchedPolicy[], warn: Warn): Plan {
  const plan: Plan = { listeners: new Map(), routes: new Map() };
  for (const service of new Set(proxy.outbounds.map((o) => o.service))) {
    const conf = outboundConf(matched, service);
    if (conf === undefined) continue;
    // The section a sidecar would apply here, when it is not grpc, does not reach a gRPC client's calls.
    const envoySection = sectionFor(proxy.destinations.get(service)?.protocol ?? 'tcp');
    if (envoySection !== 'grpc' && conf[envoySection] !== undefined)
      warn(`to ${service}: ${envoySection} section not applied: a proxyless gRPC client retries gRPC calls by the grpc section only`);
    if (!conf.grpc) continue;
    const { policy, unapplied } = proxylessGrpcRetry(conf.grpc);
    for (const message of unapplied) warn(`to ${service}: ${message}`);
    if (policy) plan.routes.set(outboundRouteName(service), retryEdit(routeRetryKey('grpc', policy), policy));
  }
  return plan;
}

export const meshRetryPlugin = {
  kind: 'MeshRetry',
  apply(resources: ProxyResources, { proxy, matched, warn }: PluginContext): ProxyResources {
    const plan = proxy.flavour === 'grpc' ? planGrpc(proxy, matched, warn) : planEnvoy(proxy, matched, warn);
    const apply = <T extends { name: string }>(list: readonly T[], edits: Map<string, Edit<T>>): readonly T[] =>
      edits.size === 0 ? list : list.map((item) => edits.get(item.name)?.(item) ?? item);
    return { ...resources, listeners: apply(resources.listeners, plan.listeners), routeConfigurations: apply(resources.routeConfigurations, plan.routes) };
  },
} satisfies PolicyPlugin;
