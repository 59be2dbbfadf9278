/**
 * The MeshHTTPRoute plugin (order 100, the first to run): HTTP routing of a
 * proxy's outbound traffic, for Envoy sidecars and proxyless gRPC alike.
 *
 *   RouteConfiguration outbound:<service>   (the one Envoy's outbound HCM and a
 *     └ virtual host <service>, domains *     gRPC client's api_listener name over RDS)
 *         ├ one Route per rule match, most specific first (route-order.ts);
 *         │   name: the MeshHTTPRoutes it came from, comma-separated;
 *         │   action: route to `cluster` (one backend) or `weighted_clusters`
 *         │   (several), or `redirect` (RequestRedirect, Envoy)
 *         └ the generators' catch-all prefix `/` ─► cluster <service>, last and
 *           unchanged: requests no rule matches go where they went before
 *   Cluster / ClusterLoadAssignment <service>_<tag>_<value>...   per subset backend (backends.ts)
 *
 * Plugins after this one (timeouts, retries...) find the policy routes as
 * every route of virtual host 0 but the last, and the catch-all as the last;
 * a route whose action is `redirect` forwards nothing and has no RouteAction
 * to configure. Which MeshHTTPRoutes a route came from, for policies whose
 * top-level targetRef is a MeshHTTPRoute: core/route-origins.ts.
 * A destination with no MeshHTTPRoute keeps the generated single route, and a
 * tcp destination (no route configuration; Envoy tcp_proxy) is left to
 * MeshTCPRoute with a warning. What proxyless gRPC cannot honour is listed in
 * route-plan.ts.
 */
import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../../xds/envoy/gen/envoy/config/route/v3/route_pb.js';
import { defineEdit, outboundRouteConfigurations, type ProxyResources } from '../../xds/generate/index.js';
import { type PluginContext, type PolicyPlugin, serviceDestination } from '../core/index.js';
import { BackendClusters } from './backends.js';
import { buildPlannedRoute } from './route-message.js';
import { planRoute, type RoutePlan } from './route-plan.js';
import { httpRouteRulesFor } from './rules.js';

/** The planned routes ahead of the generated catch-all. Plans are plain data made for the proxy's flavour (route-plan.ts). */
const withRoutes = defineEdit(
  'MeshHTTPRoute routes',
  RouteConfigurationSchema,
  (copy, { plans }: { flavour: string; plans: readonly RoutePlan[] }) => {
    const host = copy.virtualHosts[0];
    if (host) host.routes = [...plans.map(buildPlannedRoute), ...host.routes];
  },
);

function apply(resources: ProxyResources, { proxy, matched, warn }: PluginContext): ProxyResources {
  const backends = new BackendClusters(proxy, resources, warn);
  const configs = outboundRouteConfigurations(resources);
  const routed = new Map<string, RouteConfiguration>();
  for (const service of [...new Set(proxy.outbounds.map((o) => o.service))].sort()) {
    const rules = httpRouteRulesFor(matched, serviceDestination(proxy, service));
    if (rules.length === 0) continue;
    const config = configs.get(service);
    if (config === undefined) {
      warn(`routes to ${service} not applied: ${service} speaks tcp (use a MeshTCPRoute)`);
      continue;
    }
    const serviceCluster = backends.serviceCluster(service);
    if (serviceCluster === undefined) {
      warn(`routes to ${service} not applied: the proxy has no cluster for ${service}`);
      continue;
    }
    const input = { flavour: proxy.flavour, serviceCluster, backends, warn };
    const plans = rules.flatMap(
      (rule) => planRoute(rule, input, `route ${rule.policies.join(',')} to ${service}`) ?? [],
    );
    if (plans.length === 0) continue;
    routed.set(service, withRoutes(config, { flavour: proxy.flavour, plans }));
  }
  if (routed.size === 0) return resources;
  return backends.addTo(resources.map('routeConfigurations', (config, origin) => routed.get(origin.service) ?? config));
}

export const meshHttpRoutePlugin = { kind: 'MeshHTTPRoute', apply } satisfies PolicyPlugin<'MeshHTTPRoute'>;
