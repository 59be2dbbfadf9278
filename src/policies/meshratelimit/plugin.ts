/**
 * The MeshRateLimit plugin: Envoy's local token buckets on a sidecar's inbounds.
 *
 *   from[] (Mesh), rules[] ─► inbound:<ip>:<port>, every filter chain:
 *     local.http  ─► envoy.filters.http.local_ratelimit before the router (HTTP inbounds)
 *     local.tcp   ─► envoy.filters.network.local_ratelimit before tcp_proxy or the
 *                    connection manager (every inbound: a connection is a connection)
 *   to[]          ─► not applied: Kuma applies it to built-in gateways only
 *
 * The limit is per proxy instance and not per client: what applies is the
 * conf of `rules[]` and of `from[]` entries naming the whole mesh; entries
 * naming some callers are reported. Proxyless gRPC has no rate limit filter.
 */
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { addHttpFiltersBeforeRouter, addNetworkFilterBeforeTerminal, httpLocalRateLimitFilter, networkLocalRateLimitFilter } from '../../xds/generate/builders/index.js';
import { isHttpProtocol } from '../../xds/generate/destinations.js';
import { inboundListenerName, statName } from '../../xds/generate/names.js';
import type { ProxyResources } from '../../xds/generate/resources.js';
import { editedCopy } from '../../xds/generate/shared.js';
import { inboundRules, policiesForInbound, resolveCatchAll } from '../core/from-rules.js';
import type { MatchedPolicy } from '../core/match.js';
import type { PluginContext, PolicyPlugin } from '../core/plugin.js';
import { fromEntries, ruleEntries, toEntries } from '../core/policy-spec.js';
import { inboundLimits, type InboundLimits } from './limits.js';

function withLimits(listener: Listener, limits: InboundLimits, statPrefix: string): Listener {
  return editedCopy(ListenerSchema, listener, `MeshRateLimit ${JSON.stringify(limits)}`, (copy) => {
    if (limits.connections) addNetworkFilterBeforeTerminal(copy, networkLocalRateLimitFilter(statPrefix, limits.connections));
    if (limits.requests) addHttpFiltersBeforeRouter(copy, [httpLocalRateLimitFilter({ statPrefix, ...limits.requests })]);
  });
}

/** Reports `from[]` entries that name some callers only: a local limit is shared by every caller. */
function warnPerClientEntries(matched: readonly MatchedPolicy[], inbound: number, warn: (message: string) => void): void {
  for (const policy of policiesForInbound(matched, inbound)) {
    if (ruleEntries(policy).length > 0) continue;
    fromEntries(policy).forEach((entry, i) => {
      if (entry.targetRef.kind !== 'Mesh')
        warn(`${policy.name}: from[${i}] (${entry.targetRef.kind}) not applied: a local rate limit is shared by all callers; use a Mesh source`);
    });
  }
}

function applyToEnvoyInbounds(resources: ProxyResources, { proxy, matched, warn }: PluginContext): ProxyResources {
  const byName = new Map(resources.listeners.map((listener) => [listener.name, listener]));
  const replaced = new Map<string, Listener>();
  proxy.inbounds.forEach((inbound, position) => {
    warnPerClientEntries(matched, position, warn);
    const conf = resolveCatchAll(inboundRules(matched, position, { fromAsRules: true }));
    const limits = inboundLimits(conf, isHttpProtocol(inbound.protocol), `inbound ${inbound.service}:${inbound.port}`, warn);
    const name = inboundListenerName(inbound.address, inbound.port);
    const listener = byName.get(name);
    if ((limits.requests || limits.connections) && listener) replaced.set(name, withLimits(listener, limits, statName(name)));
  });
  if (replaced.size === 0) return resources;
  return { ...resources, listeners: resources.listeners.map((listener) => replaced.get(listener.name) ?? listener) };
}

export const meshRateLimitPlugin = {
  kind: 'MeshRateLimit',
  apply(resources, given) {
    const { warn } = given;
    if (given.proxy.flavour === 'grpc') {
      warn('not applied: grpc-js-xds has no rate limit filter');
      return resources;
    }
    if (given.matched.some(({ policy }) => toEntries(policy).length > 0)) warn('to not applied: it configures built-in gateways only, and this proxy is a sidecar');
    return applyToEnvoyInbounds(resources, given);
  },
} satisfies PolicyPlugin;
