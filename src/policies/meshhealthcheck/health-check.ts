/**
 * A resolved MeshHealthCheck conf as the one Envoy `HealthCheck` for a
 * destination, probing with the checker that fits the destination's protocol
 * (as Kuma does):
 *
 *   http, http2 ─► http checker, else tcp        grpc ─► grpc checker, else tcp
 *   tcp         ─► tcp checker
 *
 * A checker marked `disabled` does not count. Envoy requires the interval,
 * timeout and both thresholds, so the conf's defaults (schema.ts) are filled in.
 */
import { create } from '@bufbuild/protobuf';
import { durationFromMs, type Duration } from '@bufbuild/protobuf/wkt';
import {
  HeaderValueOption_HeaderAppendAction,
  HeaderValueOptionSchema,
  type HeaderValueOption,
} from '../../xds/envoy/gen/envoy/config/core/v3/base_pb.js';
import {
  HealthCheck_GrpcHealthCheckSchema,
  HealthCheck_HttpHealthCheckSchema,
  HealthCheck_PayloadSchema,
  HealthCheck_TcpHealthCheckSchema,
  HealthCheckSchema,
  type HealthCheck,
  type HealthCheck_Payload,
} from '../../xds/envoy/gen/envoy/config/core/v3/health_check_pb.js';
import { CodecClientType } from '../../xds/envoy/gen/envoy/type/v3/http_pb.js';
import { Int64RangeSchema } from '../../xds/envoy/gen/envoy/type/v3/range_pb.js';
import type { Protocol } from '../../xds/generate/index.js';
import { durationMs } from '../core/index.js';
import type { MeshHealthCheckConf } from './schema.js';

const DEFAULTS = { interval: '1m', timeout: '15s', unhealthyThreshold: 5, healthyThreshold: 1 } as const;

const duration = (text: string): Duration => durationFromMs(durationMs(text));
const enabled = <T extends { disabled?: boolean }>(checker: T | undefined): T | undefined =>
  checker?.disabled === true ? undefined : checker;

/** A base64 payload (the schema's encoding for bytes) as Envoy's binary payload. */
const payload = (base64: string): HealthCheck_Payload =>
  create(HealthCheck_PayloadSchema, {
    payload: { case: 'binary', value: new Uint8Array(Buffer.from(base64, 'base64')) },
  });

type HeaderSetAdd = NonNullable<NonNullable<MeshHealthCheckConf['http']>['requestHeadersToAdd']>;

function headersToAdd(headers: HeaderSetAdd | undefined): HeaderValueOption[] {
  const option = (action: HeaderValueOption_HeaderAppendAction) => (h: { name: string; value: string }) =>
    create(HeaderValueOptionSchema, { header: { key: h.name, value: h.value }, appendAction: action });
  return [
    ...(headers?.set ?? []).map(option(HeaderValueOption_HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)),
    ...(headers?.add ?? []).map(option(HeaderValueOption_HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD)),
  ];
}

function checkerOf(conf: MeshHealthCheckConf, protocol: Protocol): HealthCheck['healthChecker'] | undefined {
  const http = protocol === 'http' || protocol === 'http2' ? enabled(conf.http) : undefined;
  if (http) {
    return {
      case: 'httpHealthCheck',
      value: create(HealthCheck_HttpHealthCheckSchema, {
        path: http.path ?? '/',
        requestHeadersToAdd: headersToAdd(http.requestHeadersToAdd),
        // Envoy ranges are half-open: [status, status + 1) is one status.
        expectedStatuses: (http.expectedStatuses ?? []).map((status) =>
          create(Int64RangeSchema, { start: BigInt(status), end: BigInt(status) + 1n }),
        ),
        codecClientType: protocol === 'http2' ? CodecClientType.HTTP2 : CodecClientType.HTTP1,
      }),
    };
  }
  const grpc = protocol === 'grpc' ? enabled(conf.grpc) : undefined;
  if (grpc) {
    return {
      case: 'grpcHealthCheck',
      value: create(HealthCheck_GrpcHealthCheckSchema, {
        serviceName: grpc.serviceName ?? '',
        authority: grpc.authority ?? '',
      }),
    };
  }
  const tcp = enabled(conf.tcp);
  if (tcp) {
    return {
      case: 'tcpHealthCheck',
      value: create(HealthCheck_TcpHealthCheckSchema, {
        ...(tcp.send !== undefined ? { send: payload(tcp.send) } : {}),
        receive: (tcp.receive ?? []).map(payload),
      }),
    };
  }
  return undefined;
}

/** The health check for a destination speaking `protocol`, or undefined when no enabled checker fits it. */
export function healthCheckOf(conf: MeshHealthCheckConf, protocol: Protocol): HealthCheck | undefined {
  const healthChecker = checkerOf(conf, protocol);
  if (!healthChecker) return undefined;
  return create(HealthCheckSchema, {
    healthChecker,
    interval: duration(conf.interval ?? DEFAULTS.interval),
    timeout: duration(conf.timeout ?? DEFAULTS.timeout),
    unhealthyThreshold: conf.unhealthyThreshold ?? DEFAULTS.unhealthyThreshold,
    healthyThreshold: conf.healthyThreshold ?? DEFAULTS.healthyThreshold,
    ...(conf.initialJitter !== undefined ? { initialJitter: duration(conf.initialJitter) } : {}),
    ...(conf.intervalJitter !== undefined ? { intervalJitter: duration(conf.intervalJitter) } : {}),
    ...(conf.intervalJitterPercent !== undefined ? { intervalJitterPercent: conf.intervalJitterPercent } : {}),
    ...(conf.noTrafficInterval !== undefined ? { noTrafficInterval: duration(conf.noTrafficInterval) } : {}),
    ...(conf.reuseConnection !== undefined ? { reuseConnection: conf.reuseConnection } : {}),
    ...(conf.eventLogPath !== undefined ? { eventLogPath: conf.eventLogPath } : {}),
    alwaysLogHealthCheckFailures: conf.alwaysLogHealthCheckFailures === true,
  });
}
