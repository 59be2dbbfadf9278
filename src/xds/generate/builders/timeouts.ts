/**
 * Timeouts in Envoy's terms, set on messages the caller owns. Each setter
 * touches only the timeouts it is given (undefined = leave as is), so a
 * caller that resolves no value for a timeout keeps Envoy's default:
 *
 *   connection  Cluster.connect_timeout                  (upstream connect)
 *               HCM common_http_protocol_options         (idle_timeout, max_connection_duration)
 *               TcpProxy.idle_timeout
 *   stream      HCM stream_idle_timeout, request_headers_timeout
 *   request     RouteAction timeout, idle_timeout, max_stream_duration
 */
import { create } from '@bufbuild/protobuf';
import { DurationSchema, type Duration } from '@bufbuild/protobuf/wkt';
import type { Cluster } from '../../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { HttpProtocolOptionsSchema } from '../../envoy/gen/envoy/config/core/v3/protocol_pb.js';
import {
  RouteAction_MaxStreamDurationSchema,
  type RouteAction,
} from '../../envoy/gen/envoy/config/route/v3/route_components_pb.js';
import type { HttpConnectionManager } from '../../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import type { TcpProxy } from '../../envoy/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';

/** Durations in milliseconds; 0 means "no limit" wherever Envoy allows it. */
export interface ConnectionManagerTimeouts {
  /** A downstream connection with no active stream is closed after this. */
  readonly idleTimeoutMs?: number | undefined;
  readonly maxConnectionDurationMs?: number | undefined;
  readonly streamIdleTimeoutMs?: number | undefined;
  readonly requestHeadersTimeoutMs?: number | undefined;
}

export interface RouteTimeouts {
  /** The whole request, retries included. */
  readonly timeoutMs?: number | undefined;
  /** A stream of this route with no activity (overrides the connection manager's stream_idle_timeout). */
  readonly idleTimeoutMs?: number | undefined;
  readonly maxStreamDurationMs?: number | undefined;
}

/** Whole nanoseconds, so a policy's "1.5ms" or "250us" survives exactly (durationFromMs keeps float noise). */
export function durationOfMs(ms: number): Duration {
  const nanos = Math.round(ms * 1e6);
  return create(DurationSchema, { seconds: BigInt(Math.floor(nanos / 1e9)), nanos: nanos % 1e9 });
}

const duration = durationOfMs;

export function setConnectionManagerTimeouts(hcm: HttpConnectionManager, timeouts: ConnectionManagerTimeouts): void {
  const { idleTimeoutMs, maxConnectionDurationMs, streamIdleTimeoutMs, requestHeadersTimeoutMs } = timeouts;
  if (idleTimeoutMs !== undefined || maxConnectionDurationMs !== undefined) {
    const common = hcm.commonHttpProtocolOptions ?? create(HttpProtocolOptionsSchema);
    if (idleTimeoutMs !== undefined) common.idleTimeout = duration(idleTimeoutMs);
    if (maxConnectionDurationMs !== undefined) common.maxConnectionDuration = duration(maxConnectionDurationMs);
    hcm.commonHttpProtocolOptions = common;
  }
  if (streamIdleTimeoutMs !== undefined) hcm.streamIdleTimeout = duration(streamIdleTimeoutMs);
  if (requestHeadersTimeoutMs !== undefined) hcm.requestHeadersTimeout = duration(requestHeadersTimeoutMs);
}

export function setRouteTimeouts(action: RouteAction, timeouts: RouteTimeouts): void {
  if (timeouts.timeoutMs !== undefined) action.timeout = duration(timeouts.timeoutMs);
  if (timeouts.idleTimeoutMs !== undefined) action.idleTimeout = duration(timeouts.idleTimeoutMs);
  if (timeouts.maxStreamDurationMs !== undefined) {
    const limits = action.maxStreamDuration ?? create(RouteAction_MaxStreamDurationSchema);
    limits.maxStreamDuration = duration(timeouts.maxStreamDurationMs);
    action.maxStreamDuration = limits;
  }
}

export function setTcpProxyIdleTimeout(tcpProxy: TcpProxy, idleTimeoutMs: number): void {
  tcpProxy.idleTimeout = duration(idleTimeoutMs);
}

/** Envoy requires a connect timeout greater than 0 (PGV `duration.gt`). */
export function setConnectTimeout(cluster: Cluster, connectTimeoutMs: number): void {
  if (!(connectTimeoutMs > 0))
    throw new RangeError(`connect timeout must be greater than 0, got ${connectTimeoutMs}ms`);
  cluster.connectTimeout = duration(connectTimeoutMs);
}
