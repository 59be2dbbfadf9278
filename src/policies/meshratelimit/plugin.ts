/**
 * The MeshRateLimit plugin: Envoy's local token buckets on a sidecar's inbounds.
 *
 *   from[], rules[] ─► inbound:<ip>:<port>, every filter chain:
 *     local.http  ─► envoy.filters.http.local_ratelimit before the router (HTTP inbounds);
 *                    for from[] entries naming some callers, routes of their own that
 *                    match their x-kuma-tags, with the limit per route (per-caller.ts)
 *     local.tcp   ─► envoy.filters.network.local_ratelimit before tcp_proxy or the
 *                    connection manager (every inbound: a connection is a connection)
 *   to[]          ─► not applied: Kuma applies it to built-in gateways only
 *
 * A bucket is per proxy instance, shared by the callers it applies to: the
 * whole mesh's by every caller no other group names, a group's by that
 * group. Connections carry no header, so `local.tcp` applies to every caller
 * alike: that of `rules[]` and of `from[]` entries naming the whole mesh.
 * Proxyless gRPC has no rate limit filter.
 */
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import {
  addHttpFiltersBeforeRouter,
  addNetworkFilterBeforeTerminal,
  httpLocalRateLimitFilter,
  networkLocalRateLimitFilter,
  isHttpProtocol,
} from '../../xds/generate/index.js';
import { defineEdit, inboundListeners, type ProxyResources, statName } from '../../xds/generate/index.js';
import {
  policiesForInbound,
  type MatchedPolicy,
  type PluginContext,
  type PolicyPlugin,
  fromEntries,
  ruleEntries,
  toEntries,
  callerGroups,
  groupLabel,
} from '../core/index.js';
import { inboundLimits, type InboundLimits } from './limits.js';
import { addCallerRoutes, perRouteOnlyFilter, type CallerLimit } from './per-caller.js';
import type { MeshRateLimitConf } from './schema.js';

/** What one inbound limits: for every caller, and for the caller groups that have limits of their own. */
interface Plan {
  readonly everyone: InboundLimits;
  readonly callers: readonly CallerLimit[];
}

const withLimits = defineEdit(
  'MeshRateLimit',
  ListenerSchema,
  (copy, { everyone, callers, statPrefix }: Plan & { statPrefix: string }) => {
    if (everyone.connections)
      addNetworkFilterBeforeTerminal(copy, networkLocalRateLimitFilter(statPrefix, everyone.connections));
    if (everyone.requests)
      addHttpFiltersBeforeRouter(copy, [httpLocalRateLimitFilter({ statPrefix, ...everyone.requests })]);
    else if (callers.length > 0) addHttpFiltersBeforeRouter(copy, [perRouteOnlyFilter(statPrefix)]);
    if (callers.length > 0) addCallerRoutes(copy, callers, statPrefix);
  },
);

/** Reports `from[]` entries naming some callers that set `local.tcp`: a connection does not say who opened it. */
function warnPerCallerTcp(matched: readonly MatchedPolicy[], inbound: number, warn: (message: string) => void): void {
  for (const policy of policiesForInbound(matched, inbound)) {
    if (ruleEntries(policy).length > 0) continue;
    fromEntries(policy).forEach((entry, i) => {
      if (entry.targetRef.kind !== 'Mesh' && (entry.default as MeshRateLimitConf | undefined)?.local?.tcp)
        warn(
          `${policy.name}: from[${i}] (${entry.targetRef.kind}) local.tcp not applied: connection limits cannot tell callers apart; use a Mesh source`,
        );
    });
  }
}

function planOf(
  matched: readonly MatchedPolicy[],
  position: number,
  http: boolean,
  at: string,
  warn: (message: string) => void,
): Plan {
  warnPerCallerTcp(matched, position, warn);
  const groups = callerGroups(matched, position);
  const everyone = inboundLimits(groups.at(-1)!.conf, http, at, warn);
  if (!http) return { everyone, callers: [] };
  const callers = groups.slice(0, -1).map((group) => ({
    clientTags: group.clientTags,
    requests: inboundLimits(group.conf, true, `${at} ${groupLabel(group.clientTags)}`, warn).requests,
  }));
  // Only a group with a limit, or one exempt from the mesh's, needs routes: without either every caller is unlimited.
  return { everyone, callers: everyone.requests || callers.some((c) => c.requests) ? callers : [] };
}

function applyToEnvoyInbounds(resources: ProxyResources, { proxy, matched, warn }: PluginContext): ProxyResources {
  const byPosition = new Map(inboundListeners(resources).map(({ listener, position }) => [position, listener]));
  const replaced = new Map<Listener, Listener>();
  proxy.inbounds.forEach((inbound, position) => {
    const plan = planOf(
      matched,
      position,
      isHttpProtocol(inbound.protocol),
      `inbound ${inbound.service}:${inbound.port}`,
      warn,
    );
    const listener = byPosition.get(position);
    const limits = plan.everyone.requests || plan.everyone.connections || plan.callers.length > 0;
    if (limits && listener)
      replaced.set(listener, withLimits(listener, { ...plan, statPrefix: statName(listener.name) }));
  });
  return replaced.size === 0 ? resources : resources.map('listeners', (listener) => replaced.get(listener) ?? listener);
}

export const meshRateLimitPlugin = {
  kind: 'MeshRateLimit',
  apply(resources, given) {
    const { warn } = given;
    if (given.proxy.flavour === 'grpc') {
      warn('not applied: grpc-js-xds has no rate limit filter');
      return resources;
    }
    if (given.matched.some(({ policy }) => toEntries(policy).length > 0))
      warn('to not applied: it configures built-in gateways only, and this proxy is a sidecar');
    return applyToEnvoyInbounds(resources, given);
  },
} satisfies PolicyPlugin<'MeshRateLimit'>;
