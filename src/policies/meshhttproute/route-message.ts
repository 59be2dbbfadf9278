/** A route plan (route-plan.ts) as an Envoy Route message, from the builders. */
import { create } from '@bufbuild/protobuf';
import {
  RouteActionSchema,
  RouteSchema,
  type Route,
} from '../../xds/envoy/gen/envoy/config/route/v3/route_components_pb.js';
import {
  applyUrlRewrite,
  buildRedirectAction,
  buildRequestMirrorPolicy,
  buildRouteMatch,
  headersToAdd,
  routeClusterSpecifier,
} from '../../xds/generate/index.js';
import type { RoutePlan } from './route-plan.js';

export function buildPlannedRoute(plan: RoutePlan): Route {
  const route = create(RouteSchema, {
    name: plan.name,
    match: buildRouteMatch(plan.match),
    requestHeadersToAdd: plan.requestHeaders ? headersToAdd(plan.requestHeaders) : [],
    requestHeadersToRemove: [...(plan.requestHeaders?.remove ?? [])],
    responseHeadersToAdd: plan.responseHeaders ? headersToAdd(plan.responseHeaders) : [],
    responseHeadersToRemove: [...(plan.responseHeaders?.remove ?? [])],
  });
  if (plan.redirect !== undefined) {
    route.action = { case: 'redirect', value: buildRedirectAction(plan.redirect) };
    return route;
  }
  const action = create(RouteActionSchema, {
    clusterSpecifier: routeClusterSpecifier(plan.clusters),
    requestMirrorPolicies: plan.mirrors.map((m) => buildRequestMirrorPolicy(m.cluster, m.percent)),
  });
  if (plan.rewrite !== undefined) applyUrlRewrite(action, plan.rewrite);
  route.action = { case: 'route', value: action };
  return route;
}
