/**
 * One policy plugin run alone on the base resources of a proxy, with its
 * output read as messages: the way the route plugins (MeshHTTPRoute,
 * MeshTCPRoute) are tested, before encoding and the other plugins.
 */
import assert from 'node:assert/strict';
import type { RouteConfiguration } from '../../../xds/envoy/gen/envoy/config/route/v3/route_pb.js';
import type { Route } from '../../../xds/envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { generateEnvoyResources, generateGrpcResources } from '../../../xds/generate/index.js';
import type { ProxyContext, ProxyResources } from '../../../xds/generate/index.js';
import type { PolicyPlugin } from '../plugin.js';

export interface PluginRun {
  readonly base: ProxyResources;
  readonly resources: ProxyResources;
  readonly warnings: string[];
}

/** The base resources of the proxy's flavour, then `plugin` with the proxy's policies of its kind. */
export function runPlugin(plugin: PolicyPlugin, proxy: ProxyContext): PluginRun {
  const base = proxy.flavour === 'grpc' ? generateGrpcResources(proxy) : generateEnvoyResources(proxy);
  const warnings: string[] = [];
  const resources = plugin.apply(base, {
    proxy,
    matched: proxy.policies?.get(plugin.kind) ?? [],
    warn: (m) => warnings.push(m),
  });
  return { base, resources, warnings };
}

export function routeConfigOf(resources: ProxyResources, name = 'outbound:backend'): RouteConfiguration {
  const config = resources.routeConfigurations.find((c) => c.name === name);
  assert.ok(config, `no route configuration ${name}`);
  return config;
}

/** The routes of the first virtual host of `outbound:backend`. */
export const routesOf = (resources: ProxyResources): Route[] => routeConfigOf(resources).virtualHosts[0]?.routes ?? [];

/** `[cluster, weight]` pairs a route sends to (weight 1 for a single cluster). */
export function clustersOf(route: Route | undefined): [string, number][] {
  assert.ok(route?.action.case === 'route', 'not a forwarding route');
  const specifier = route.action.value.clusterSpecifier;
  if (specifier.case === 'cluster') return [[specifier.value, 1]];
  assert.equal(specifier.case, 'weightedClusters');
  return specifier.value.clusters.map((c) => [c.name, c.weight ?? 0]);
}
