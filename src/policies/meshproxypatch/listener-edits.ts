/**
 * Edits inside a listener, for the filter and virtual host modifications: the
 * network filters of each filter chain (the default chain too), and each
 * HttpConnectionManager, whether in a chain's filters (Envoy, gRPC servers)
 * or the `api_listener` (gRPC clients).
 *
 * Never in place: a listener with an edit is a deep copy, and one without is
 * returned as it was given, so unchanged listeners stay shared (xds/generate/shared.ts).
 */
import { clone } from '@bufbuild/protobuf';
import { anyIs, anyPack, anyUnpack, type Any } from '@bufbuild/protobuf/wkt';
import type { Filter } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import {
  HttpConnectionManagerSchema,
  type HttpConnectionManager,
} from '../../xds/envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';

/** Returns the edited list, or undefined for "no change". */
export type FilterListEdit = (filters: readonly Filter[]) => Filter[] | undefined;
/** Returns the edited HCM (a new message), or undefined for "no change". */
export type HttpConnectionManagerEdit = (hcm: HttpConnectionManager) => HttpConnectionManager | undefined;

/** `listener` with `edit` applied to the network filters of every filter chain. */
export function editNetworkFilters(listener: Listener, edit: FilterListEdit): Listener {
  const copy = clone(ListenerSchema, listener);
  let changed = false;
  for (const chain of [...copy.filterChains, ...(copy.defaultFilterChain ? [copy.defaultFilterChain] : [])]) {
    const filters = edit(chain.filters);
    if (filters === undefined) continue;
    chain.filters = filters;
    changed = true;
  }
  return changed ? copy : listener;
}

/** The HCM an Any packs, edited and packed again; undefined when it is no HCM or the edit changes nothing. */
function editPacked(any: Any, edit: HttpConnectionManagerEdit): Any | undefined {
  if (!anyIs(any, HttpConnectionManagerSchema)) return undefined;
  const hcm = anyUnpack(any, HttpConnectionManagerSchema);
  const edited = hcm && edit(hcm);
  return edited && anyPack(HttpConnectionManagerSchema, edited);
}

/** `listener` with `edit` applied to every HttpConnectionManager in it. */
export function editHttpConnectionManagers(listener: Listener, edit: HttpConnectionManagerEdit): Listener {
  const inChains = editNetworkFilters(listener, (filters) => {
    let changed = false;
    const next = filters.map((filter) => {
      if (filter.configType.case !== 'typedConfig') return filter;
      const packed = editPacked(filter.configType.value, edit);
      if (packed === undefined) return filter;
      changed = true;
      return { ...filter, configType: { case: 'typedConfig' as const, value: packed } };
    });
    return changed ? next : undefined;
  });
  const api = inChains.apiListener?.apiListener;
  const packed = api && editPacked(api, edit);
  if (packed === undefined) return inChains;
  const copy = clone(ListenerSchema, inChains);
  copy.apiListener = { ...copy.apiListener!, apiListener: packed };
  return copy;
}
