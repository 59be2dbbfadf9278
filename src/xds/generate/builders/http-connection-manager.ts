/**
 * The HTTP connection manager network filter: HTTP codec, routes (inline or
 * fetched by RDS) and the HTTP filter chain, with the router always last.
 *
 *   HttpConnectionManager ─┬─ route_config (inline)  or  rds {ads, route_config_name}
 *                          └─ http_filters: [...given, router]
 */
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import type { Filter } from '../../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import type { RouteConfiguration } from '../../envoy/gen/envoy/config/route/v3/route_pb.js';
import {
  HttpConnectionManager_CodecType,
  HttpConnectionManagerSchema,
  type HttpConnectionManager,
  type HttpFilter,
} from '../../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { adsConfigSource } from './address.js';
import { networkFilter } from './filter-chain.js';
import { routerFilter } from './router.js';

export const HTTP_CONNECTION_MANAGER_NAME = 'envoy.filters.network.http_connection_manager';

/** Where the routes come from: a route configuration by name over ADS, or one given inline. */
export type RouteSource = { readonly rds: string } | { readonly routeConfig: RouteConfiguration };

export interface HttpConnectionManagerInput {
  readonly statPrefix: string;
  readonly routes: RouteSource;
  /** HTTP filters before the router; the router is appended. */
  readonly httpFilters?: readonly HttpFilter[];
}

export function buildHttpConnectionManager(input: HttpConnectionManagerInput): HttpConnectionManager {
  const routeSpecifier =
    'rds' in input.routes
      ? ({ case: 'rds', value: { configSource: adsConfigSource(), routeConfigName: input.routes.rds } } as const)
      : ({ case: 'routeConfig', value: input.routes.routeConfig } as const);
  return create(HttpConnectionManagerSchema, {
    statPrefix: input.statPrefix,
    codecType: HttpConnectionManager_CodecType.AUTO,
    routeSpecifier,
    httpFilters: [...(input.httpFilters ?? []), routerFilter()],
  });
}

/** The connection manager as a listener's network filter. */
export function httpConnectionManagerFilter(hcm: HttpConnectionManager): Filter {
  return networkFilter(HTTP_CONNECTION_MANAGER_NAME, anyPack(HttpConnectionManagerSchema, hcm));
}
