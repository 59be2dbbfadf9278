/**
 * Filter chains and network filters: what a listener runs on an accepted
 * connection. A network filter is a name plus a packed typed config.
 */
import { create } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import {
  FilterChainSchema,
  FilterSchema,
  type Filter,
  type FilterChain,
} from '../../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';

export function networkFilter(name: string, typedConfig: Any): Filter {
  return create(FilterSchema, { name, configType: { case: 'typedConfig', value: typedConfig } });
}

/** A filter chain without a match: it takes every connection of its listener. */
export function buildFilterChain(filters: readonly Filter[], name = ''): FilterChain {
  return create(FilterChainSchema, { name, filters: [...filters] });
}
