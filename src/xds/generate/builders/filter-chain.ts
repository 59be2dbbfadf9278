/**
 * Filter chains and network filters: what a listener runs on an accepted
 * connection. A network filter is a name plus a packed typed config.
 */
import { create } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import type { TransportSocket } from '../../envoy/gen/envoy/config/core/v3/base_pb.js';
import {
  FilterChainMatchSchema,
  FilterChainSchema,
  FilterSchema,
  type Filter,
  type FilterChain,
} from '../../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';

export function networkFilter(name: string, typedConfig: Any): Filter {
  return create(FilterSchema, { name, configType: { case: 'typedConfig', value: typedConfig } });
}

export interface FilterChainOptions {
  readonly name?: string;
  /** TLS (or another transport) the chain terminates. */
  readonly transportSocket?: TransportSocket;
  /** Take only connections the TLS inspector saw as this ('tls' or 'raw_buffer'); unset takes every connection. */
  readonly transportProtocol?: 'tls' | 'raw_buffer';
}

/** A filter chain; without `transportProtocol` it takes every connection its listener accepts. */
export function buildFilterChain(filters: readonly Filter[], options: FilterChainOptions = {}): FilterChain {
  return create(FilterChainSchema, {
    name: options.name ?? '',
    filters: [...filters],
    ...(options.transportSocket ? { transportSocket: options.transportSocket } : {}),
    ...(options.transportProtocol
      ? { filterChainMatch: create(FilterChainMatchSchema, { transportProtocol: options.transportProtocol }) }
      : {}),
  });
}
