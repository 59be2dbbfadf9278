/**
 * Listeners: a socket listener (address, port, filter chains) for Envoy and
 * gRPC servers, and an API listener, which binds nothing and only carries an
 * HTTP connection manager for a gRPC client (gRFC A27).
 */
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { TrafficDirection } from '../../envoy/gen/envoy/config/core/v3/base_pb.js';
import type { FilterChain, ListenerFilter } from '../../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { ListenerSchema, type Listener } from '../../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import {
  HttpConnectionManagerSchema,
  type HttpConnectionManager,
} from '../../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { socketAddress } from './address.js';

export { TrafficDirection };

export interface ListenerInput {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly direction: TrafficDirection;
  readonly filterChains: readonly FilterChain[];
  /** Run on each accepted connection before a filter chain is chosen (e.g. the TLS inspector). */
  readonly listenerFilters?: readonly ListenerFilter[];
}

export function buildListener(input: ListenerInput): Listener {
  return create(ListenerSchema, {
    name: input.name,
    address: socketAddress(input.address, input.port),
    trafficDirection: input.direction,
    filterChains: [...input.filterChains],
    listenerFilters: [...(input.listenerFilters ?? [])],
  });
}

/** A listener that binds no socket: `api_listener` holds the connection manager. */
export function buildApiListener(name: string, hcm: HttpConnectionManager): Listener {
  return create(ListenerSchema, {
    name,
    apiListener: { apiListener: anyPack(HttpConnectionManagerSchema, hcm) },
  });
}
