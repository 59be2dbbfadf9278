/**
 * One proxy's configuration from its completed context, in the flavour it
 * speaks. Pure: identical contexts and plugins give identical bytes.
 *
 *   ProxyContext ─► base generators (xds/generate) ─► policy plugins, in order
 *     ─► gRPC clients' route names bound (grpc-route-names.ts) ─► encoded, each message once
 */
import type { PolicyPlugin } from '../../policies/core/index.js';
import {
  byString,
  encodeOnce,
  generateEnvoyResources,
  generateGrpcResources,
  type ProxyContext,
  type ProxyResources,
} from '../generate/index.js';
import { TypeUrl, type EncodedResource } from '../index.js';
import { bindClientRouteNames } from './grpc-route-names.js';
import { applyPolicies } from './policy-plugins.js';

export interface ProxyConfig {
  readonly resources: EncodedResource[];
  /** Parts of policies this proxy does not apply, and why (proxyless gRPC lacks some features). */
  readonly warnings: readonly string[];
}

/** Every resource encoded (once per message object: generate/shared.ts), sorted by type URL, then name. */
export function encodeProxyResources(resources: ProxyResources): EncodedResource[] {
  const encoded = [
    ...resources.listeners.map((r) => encodeOnce(TypeUrl.Listener, r.name, r)),
    ...resources.routeConfigurations.map((r) => encodeOnce(TypeUrl.RouteConfiguration, r.name, r)),
    ...resources.clusters.map((r) => encodeOnce(TypeUrl.Cluster, r.name, r)),
    ...resources.loadAssignments.map((r) => encodeOnce(TypeUrl.ClusterLoadAssignment, r.clusterName, r)),
    ...resources.secrets.map((r) => encodeOnce(TypeUrl.Secret, r.name, r)),
  ];
  return encoded.sort((a, b) => byString(a.typeUrl, b.typeUrl) || byString(a.name, b.name));
}

/** The configuration of one proxy: base resources, then `plugins` in the order given, then encoded. */
export function buildProxyConfig(ctx: ProxyContext, plugins: readonly PolicyPlugin[]): ProxyConfig {
  const base = ctx.flavour === 'grpc' ? generateGrpcResources(ctx) : generateEnvoyResources(ctx);
  // A plugin may meet the same problem on several inbounds or destinations: each warning is kept once.
  const warnings = new Set<string>();
  const applied = applyPolicies(base, ctx, plugins, (message) => warnings.add(message));
  const resources = ctx.flavour === 'grpc' ? bindClientRouteNames(applied) : applied;
  return { resources: encodeProxyResources(resources), warnings: [...warnings] };
}
