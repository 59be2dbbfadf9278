/**
 * Which MeshHTTPRoutes an Envoy Route came from, and what the policies that
 * target those routes make of it.
 *
 * The MeshHTTPRoute plugin (order 100) names each Route it adds after the
 * MeshHTTPRoutes whose rules it merges: `to-api` or `to-api,canary`. The
 * generated catch-all route has no name. Plugins that run later (MeshTimeout,
 * MeshRetry) read the names back to apply policies whose top-level targetRef
 * is one of those MeshHTTPRoutes, or whose `to[]` entries name one, to that
 * Route only.
 */
import type { RouteConfiguration } from '../../xds/envoy/gen/envoy/config/route/v3/route_pb.js';
import { type ProxyContext, onePerObject } from '../../xds/generate/index.js';
import type { MatchedPolicy } from './match.js';
import { toEntries, topLevelTargetRef } from './policy-spec.js';
import type { RouteIdentity } from './selection.js';
import {
  resolveToRoute,
  serviceDestination,
  targetsRoutes,
  type Destination,
  type MatchedToEntry,
  type ResolvedTo,
} from './to-rules.js';

/** The Route name for rules merged from these MeshHTTPRoutes. */
export const routeNameOf = (routes: readonly string[]): string => routes.join(',');

/** The MeshHTTPRoutes a Route came from; none for a route the generators made. */
export const routeOriginsOf = (routeName: string): string[] => (routeName === '' ? [] : routeName.split(','));

const ROUTE_KIND = 'MeshHTTPRoute';
const NO_ROUTES: readonly MatchedPolicy[] = Object.freeze([]);
const identities = new WeakMap<readonly MatchedPolicy[], ReadonlyMap<string, RouteIdentity>>();

/** The MeshHTTPRoutes that select the proxy, by name (remembered per matched list). */
function routeIdentitiesOf(proxy: ProxyContext): ReadonlyMap<string, RouteIdentity> {
  const routes = proxy.policies?.get(ROUTE_KIND) ?? NO_ROUTES;
  let byName = identities.get(routes);
  if (byName === undefined) {
    byName = new Map(routes.map(({ policy }) => [policy.name, { name: policy.name, labels: policy.labels }]));
    identities.set(routes, byName);
  }
  return byName;
}

/** The MeshHTTPRoutes a Route came from, with their labels. */
export function routeOrigins(proxy: ProxyContext, routeName: string): RouteIdentity[] {
  const known = routeIdentitiesOf(proxy);
  return routeOriginsOf(routeName).map((name) => known.get(name) ?? { name, labels: {} });
}

/** Whether the policy configures MeshHTTPRoutes: at the top level, or by `to[]` entries naming one. */
export const configuresRoutes = (m: MatchedPolicy): boolean =>
  m.routes !== undefined || toEntries(m.policy).some((entry) => entry.targetRef.kind === ROUTE_KIND);

/** Remembered per matched list: most lists configure no route, and then no Route needs looking at. */
const anyConfiguresRoutes = onePerObject((matched: readonly MatchedPolicy[]): boolean =>
  matched.some(configuresRoutes),
);

/**
 * What `to` resolves to for every Route of `config` that some policy
 * configures as a route (top-level or `to[]` targetRef naming its
 * MeshHTTPRoute), by Route name. Routes missing here take the destination's conf.
 */
export function routeResolutionsOf(
  proxy: ProxyContext,
  config: RouteConfiguration | undefined,
  matched: readonly MatchedPolicy[],
  destination: Destination,
): Map<string, ResolvedTo> {
  const resolutions = new Map<string, ResolvedTo>();
  if (config === undefined || !anyConfiguresRoutes(matched)) return resolutions;
  for (const host of config.virtualHosts) {
    for (const route of host.routes) {
      if (route.name === '' || resolutions.has(route.name)) continue;
      const origins = routeOrigins(proxy, route.name);
      if (targetsRoutes(matched, origins)) resolutions.set(route.name, resolveToRoute(matched, destination, origins));
    }
  }
  return resolutions;
}

/**
 * The merged confs of the Routes of `config`, the proxy's route configuration
 * to `service` (xds/generate/by-origin.ts `outboundRouteConfigurations`), that
 * policies configure as routes.
 */
export function outboundRouteConfsOf(
  proxy: ProxyContext,
  config: RouteConfiguration | undefined,
  matched: readonly MatchedPolicy[],
  service: string,
): Map<string, unknown> {
  const resolutions = routeResolutionsOf(proxy, config, matched, serviceDestination(proxy, service));
  return new Map([...resolutions].map(([route, { conf }]) => [route, conf]));
}

/** Whether a resolved entry is about one route rather than the destination as a whole. */
export const isRouteEntry = ({ policy, entry }: MatchedToEntry): boolean =>
  entry.targetRef.kind === ROUTE_KIND || topLevelTargetRef(policy).kind === ROUTE_KIND;
