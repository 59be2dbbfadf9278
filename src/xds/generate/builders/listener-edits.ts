/**
 * In-place edits of a listener's filters, for policy plugins to run on a copy
 * they own (an edit declared with `defineEdit`, shared.ts): never on a generated message, which
 * may be shared between proxies.
 *
 *   listener ─ filter_chains[] ─ filters[] ─ HCM (packed) ─ http_filters [..., router]
 *            └ api_listener (gRPC client) ─ HCM (packed)
 *
 * Whole-listener connection manager edits are network-filter-edits.ts's;
 * this file adds the filter insertions and a one-chain edit (for a chain
 * built beside the others, inbound-tls-mode.ts).
 *
 * A connection manager is packed in an `Any`, so editing its HTTP filters
 * means unpacking, editing and packing it again.
 */
import { anyIs, anyPack, anyUnpack, type Any } from '@bufbuild/protobuf/wkt';
import type { Filter, FilterChain } from '../../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import type { Listener } from '../../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import {
  HttpConnectionManagerSchema,
  type HttpConnectionManager,
  type HttpFilter,
} from '../../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { HTTP_CONNECTION_MANAGER_NAME } from './http-connection-manager.js';
import { editHttpConnectionManagers } from './network-filter-edits.js';
import { ROUTER_FILTER_NAME } from './router.js';

const unpackHcm = (any: Any): HttpConnectionManager | undefined =>
  anyIs(any, HttpConnectionManagerSchema) ? anyUnpack(any, HttpConnectionManagerSchema) : undefined;

/** Inserts `filters` just before the router, which must stay last (Envoy and gRFC A39). */
function insertBeforeRouter(hcm: HttpConnectionManager, filters: readonly HttpFilter[]): void {
  const router = hcm.httpFilters.findIndex((filter) => filter.name === ROUTER_FILTER_NAME);
  hcm.httpFilters.splice(router === -1 ? hcm.httpFilters.length : router, 0, ...filters);
}

/** Applies `edit` to every connection manager of one filter chain, packing each back. */
export function editChainConnectionManagers(chain: FilterChain, edit: (hcm: HttpConnectionManager) => void): void {
  for (const filter of chain.filters) {
    if (filter.name !== HTTP_CONNECTION_MANAGER_NAME || filter.configType.case !== 'typedConfig') continue;
    const hcm = unpackHcm(filter.configType.value);
    if (!hcm) continue;
    edit(hcm);
    filter.configType = { case: 'typedConfig', value: anyPack(HttpConnectionManagerSchema, hcm) };
  }
}

/** Adds HTTP filters before the router of every connection manager of the listener (chains and api_listener). */
export function addHttpFiltersBeforeRouter(listener: Listener, filters: readonly HttpFilter[]): void {
  editHttpConnectionManagers(listener, (hcm) => insertBeforeRouter(hcm, filters));
}

/** Inserts a network filter before the last (terminal) filter of every chain: tcp_proxy or the connection manager. */
export function addNetworkFilterBeforeTerminal(listener: Listener, filter: Filter): void {
  for (const chain of listener.filterChains) chain.filters.splice(Math.max(chain.filters.length - 1, 0), 0, filter);
}
