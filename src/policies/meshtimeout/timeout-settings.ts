/**
 * What a resolved MeshTimeout conf means for each flavour, as plain values
 * (milliseconds) the plugin hands to the Envoy builders:
 *
 *   conf field                 Envoy sidecar                                   proxyless gRPC
 *   connectionTimeout          cluster connect_timeout                         not applied
 *   idleTimeout                HCM common_http_protocol_options.idle_timeout,  not applied
 *                              tcp_proxy idle_timeout
 *   http.requestTimeout        route timeout                                   route max_stream_duration
 *   http.streamIdleTimeout     HCM stream_idle_timeout, route idle_timeout     not applied
 *   http.maxStreamDuration     route max_stream_duration                       route max_stream_duration
 *   http.maxConnectionDuration HCM common_http_protocol_options               not applied
 *                              .max_connection_duration
 *   http.requestHeadersTimeout HCM request_headers_timeout                     not applied
 *
 * Only fields the conf sets are applied; the rest keep Envoy's defaults (a
 * new mesh's default MeshTimeout sets Kuma's values, so they usually are set).
 */
import { durationMs } from '../core/index.js';
import type { ConnectionManagerTimeouts, RouteTimeouts } from '../../xds/generate/index.js';
import type { MeshTimeoutConf } from './schema.js';

const msOf = (duration: string | undefined): number | undefined =>
  duration === undefined ? undefined : durationMs(duration);

export interface EnvoyTimeouts {
  /** Undefined when unset or 0 (Envoy requires a connect timeout above 0). */
  readonly connectTimeoutMs?: number | undefined;
  readonly connectionManager: ConnectionManagerTimeouts;
  readonly tcpIdleTimeoutMs?: number | undefined;
  readonly route: RouteTimeouts;
}

export function envoyTimeouts(conf: MeshTimeoutConf): EnvoyTimeouts {
  const connect = msOf(conf.connectionTimeout);
  const idle = msOf(conf.idleTimeout);
  const http = conf.http ?? {};
  return {
    connectTimeoutMs: connect !== undefined && connect > 0 ? connect : undefined,
    connectionManager: {
      idleTimeoutMs: idle,
      maxConnectionDurationMs: msOf(http.maxConnectionDuration),
      streamIdleTimeoutMs: msOf(http.streamIdleTimeout),
      requestHeadersTimeoutMs: msOf(http.requestHeadersTimeout),
    },
    tcpIdleTimeoutMs: idle,
    route: {
      timeoutMs: msOf(http.requestTimeout),
      idleTimeoutMs: msOf(http.streamIdleTimeout),
      maxStreamDurationMs: msOf(http.maxStreamDuration),
    },
  };
}

/** A `connectionTimeout` Envoy would reject: the plugin leaves it out and warns. */
export const hasZeroConnectTimeout = (conf: MeshTimeoutConf): boolean =>
  conf.connectionTimeout !== undefined && durationMs(conf.connectionTimeout) === 0;

/**
 * The bound on one proxyless gRPC call: grpc-js-xds reads only the route's
 * `max_stream_duration.max_stream_duration` (gRFC A31, resolver-xds.js) and
 * caps the application's deadline with it. Both requestTimeout and
 * maxStreamDuration bound a call, so the smaller non-zero one wins; 0 (both
 * disabled) leaves the application's deadline as it is. Undefined: neither set.
 */
export function grpcCallLimitMs(conf: MeshTimeoutConf): number | undefined {
  const limits = [msOf(conf.http?.requestTimeout), msOf(conf.http?.maxStreamDuration)].filter(
    (ms): ms is number => ms !== undefined,
  );
  if (limits.length === 0) return undefined;
  const bounding = limits.filter((ms) => ms > 0);
  return bounding.length === 0 ? 0 : Math.min(...bounding);
}

/** The fields a proxyless gRPC client does not apply, as the user wrote them (`http.streamIdleTimeout`). */
export function grpcClientUnapplied(conf: MeshTimeoutConf): string[] {
  return [
    ...(conf.connectionTimeout !== undefined ? ['connectionTimeout'] : []),
    ...(conf.idleTimeout !== undefined ? ['idleTimeout'] : []),
    ...(['streamIdleTimeout', 'maxConnectionDuration', 'requestHeadersTimeout'] as const)
      .filter((field) => conf.http?.[field] !== undefined)
      .map((field) => `http.${field}`),
  ];
}

/** Every field the conf sets: a proxyless gRPC server applies none of them. */
export function setFields(conf: MeshTimeoutConf): string[] {
  return [
    ...(['connectionTimeout', 'idleTimeout'] as const).filter((field) => conf[field] !== undefined),
    ...Object.keys(conf.http ?? {}).map((field) => `http.${field}`),
  ];
}
