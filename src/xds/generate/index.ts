/**
 * Base generators: a proxy's context in, its xDS resources out, encoded once
 * each. Pure: identical contexts give identical bytes (and versions).
 *
 *   ProxyContext ─► generateEnvoyResources | generateGrpcResources ─► ProxyResources
 *                ─► policy plugins, in order (policies/plugins.ts) ─► encodeProxyResources ─► EncodedResource[]
 */
import type { EncodedResource } from '../snapshot.js';
import { TypeUrl } from '../resource-types.js';
import { byString } from './destinations.js';
import { generateEnvoyResources } from './envoy.js';
import { generateGrpcResources } from './grpc.js';
import type { ProxyContext } from './proxy-context.js';
import type { ProxyResources } from './resources.js';
import { encodeOnce } from './shared.js';
import { applyPolicies } from '../../policies/plugins.js';
import { bindClientRouteNames } from './grpc-route-names.js';

export { generateEnvoyResources } from './envoy.js';
export { generateGrpcResources } from './grpc.js';
export * from './builders/index.js';
export { generatedTypesRegistry, resourceJson, typeFirst } from './json.js';
export * from './names.js';
export type { ProxyResources } from './resources.js';
export type * from './proxy-context.js';

/** Every resource encoded (once per message object: shared.ts), sorted by type URL, then name. */
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

export interface ProxyConfig {
  readonly resources: EncodedResource[];
  /** Parts of policies this proxy does not apply, and why (proxyless gRPC lacks some features). */
  readonly warnings: readonly string[];
}

/** The configuration of one proxy, in the flavour it speaks: base resources, then the policy plugins in order. */
export function generateProxyConfig(ctx: ProxyContext): ProxyConfig {
  const base = ctx.flavour === 'grpc' ? generateGrpcResources(ctx) : generateEnvoyResources(ctx);
  // A plugin may meet the same problem on several inbounds or destinations: each warning is kept once.
  const warnings = new Set<string>();
  const applied = applyPolicies(base, ctx, (message) => warnings.add(message));
  const resources = ctx.flavour === 'grpc' ? bindClientRouteNames(applied) : applied;
  return { resources: encodeProxyResources(resources), warnings: [...warnings] };
}

/** The resources of one proxy (generateProxyConfig without the warnings). */
export function generateProxyResources(ctx: ProxyContext): EncodedResource[] {
  return generateProxyConfig(ctx).resources;
}
