/**
 * Request limits for some callers only, on an Envoy inbound: each caller
 * group gets routes of its own in the inbound's route configuration, ahead
 * of the generated ones, that match its x-kuma-tags (callers.ts) and carry
 * the group's local rate limit as the filter's per-route config, so each
 * group has a token bucket of its own.
 *
 *   virtual host * ─ [group frontend+v2: / + x-kuma-tags ~ frontend,v2 ─► typed_per_filter_config: its bucket]
 *                    [group frontend:    / + x-kuma-tags ~ frontend    ─► its bucket, or none]
 *                    [generated:         / ───────────────────────────► the listener filter's bucket]
 *
 * Routes are tried in order, so a caller takes the first group it belongs to:
 * the most specific. A group without a limit still gets its routes, with a
 * per-route config that enforces nothing, so a less specific group's or the
 * mesh's limit does not reach it.
 */
import { clone, create } from '@bufbuild/protobuf';
import { anyPack, durationFromMs, type Any } from '@bufbuild/protobuf/wkt';
import type { Labels } from '../../api/index.js';
import type { Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { RouteSchema, type Route } from '../../xds/envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { LocalRateLimitSchema } from '../../xds/envoy/gen/envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit_pb.js';
import {
  HttpFilterSchema,
  type HttpFilter,
} from '../../xds/envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import {
  editHttpConnectionManagers,
  HTTP_LOCAL_RATE_LIMIT_NAME,
  httpLocalRateLimitFilter,
} from '../../xds/generate/index.js';
import { callerMatcher } from '../core/index.js';
import type { InboundLimits } from './limits.js';

export interface CallerLimit {
  readonly clientTags: Labels;
  readonly requests: InboundLimits['requests'];
}

/** A local rate limit config that limits nothing: the filter's `filter_enabled` defaults to 0 %. */
const unlimited = (statPrefix: string): Any =>
  anyPack(LocalRateLimitSchema, create(LocalRateLimitSchema, { statPrefix }));

/**
 * The same for a route: Envoy refuses a per-route config without a token
 * bucket ("local rate limit token bucket must be set for per filter
 * configs"), so it gets one, which the 0 % `filter_enabled` never consults.
 */
const unlimitedRoute = (statPrefix: string): Any =>
  anyPack(
    LocalRateLimitSchema,
    create(LocalRateLimitSchema, {
      statPrefix,
      tokenBucket: { maxTokens: 1, tokensPerFill: 1, fillInterval: durationFromMs(1000) },
    }),
  );

function limitConfig(statPrefix: string, requests: InboundLimits['requests']): Any {
  if (!requests) return unlimitedRoute(statPrefix);
  const { configType } = httpLocalRateLimitFilter({ statPrefix, ...requests });
  return configType.value as Any;
}

/** The listener filter when only some callers are limited: it needs per-route configs to do anything. */
export const perRouteOnlyFilter = (statPrefix: string): HttpFilter =>
  create(HttpFilterSchema, {
    name: HTTP_LOCAL_RATE_LIMIT_NAME,
    configType: { case: 'typedConfig', value: unlimited(statPrefix) },
  });

/** `route` for the callers of one group only, with their limit (none for a route without a match, which no request takes). */
function callerRoute(route: Route, caller: CallerLimit, statPrefix: string): Route[] {
  if (!route.match) return [];
  const copy = clone(RouteSchema, route);
  copy.match!.headers.push(callerMatcher(caller.clientTags));
  copy.typedPerFilterConfig[HTTP_LOCAL_RATE_LIMIT_NAME] = limitConfig(statPrefix, caller.requests);
  return [copy];
}

/** Puts, in every inline route configuration of `listener` (a copy it owns), each group's routes before the generated ones. */
export function addCallerRoutes(listener: Listener, callers: readonly CallerLimit[], statPrefix: string): void {
  editHttpConnectionManagers(listener, (hcm) => {
    if (hcm.routeSpecifier.case !== 'routeConfig') return;
    for (const virtualHost of hcm.routeSpecifier.value.virtualHosts) {
      const generated = virtualHost.routes;
      virtualHost.routes = [
        ...callers.flatMap((caller) => generated.flatMap((route) => callerRoute(route, caller, statPrefix))),
        ...generated,
      ];
    }
  });
}
