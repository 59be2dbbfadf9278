/**
 * MeshHealthCheck: active health checking of outbound destinations (to). The
 * proxy probes each endpoint over TCP, HTTP or gRPC and takes unhealthy ones
 * out of load balancing.
 */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, HeaderValue, Percentage, Strict } from '../../api/index.js';
import {
  definePolicy,
  PositiveDuration,
  HeaderSetAdd,
  HttpStatus,
  TargetRef,
  TOP_LEVEL_PROXY_KINDS,
} from '../core/index.js';

const TO_KINDS = ['Mesh', 'MeshService', 'MeshExternalService'] as const;

const Threshold = (description: string) => Type.Integer({ minimum: 1, maximum: 2147483647, description });

const TcpHealthCheck = Strict({
  disabled: Type.Optional(Type.Boolean({ description: 'Turns this check off (default false).' })),
  send: Type.Optional(Type.String({ description: 'Base64 payload sent on each check.' })),
  receive: Type.Optional(
    Type.Array(Type.String(), { description: 'Base64 blocks expected in order; none means connect only.' }),
  ),
});

const HttpHealthCheck = Strict({
  disabled: Type.Optional(Type.Boolean({ description: 'Turns this check off (default false).' })),
  path: Type.Optional(HeaderValue({ minLength: 1, description: 'Path requested on each check (default "/").' })),
  requestHeadersToAdd: Type.Optional(HeaderSetAdd()),
  expectedStatuses: Type.Optional(
    Type.Array(HttpStatus(), { description: 'Statuses counted as healthy (default 200).' }),
  ),
});

const GrpcHealthCheck = Strict({
  disabled: Type.Optional(Type.Boolean({ description: 'Turns this check off (default false).' })),
  serviceName: Type.Optional(Type.String()),
  authority: Type.Optional(HeaderValue({ description: 'The :authority of the check (default: the cluster name).' })),
});

export const MeshHealthCheckConf = Strict({
  interval: Type.Optional(PositiveDuration('10s', 'Time between checks (default 1m).')),
  timeout: Type.Optional(PositiveDuration('10s', 'Time to wait for a response (default 15s).')),
  unhealthyThreshold: Type.Optional(Threshold('Failed checks before a host is unhealthy (default 5).')),
  healthyThreshold: Type.Optional(Threshold('Passed checks before a host is healthy again (default 1).')),
  initialJitter: Type.Optional(PositiveDuration('10s')),
  intervalJitter: Type.Optional(PositiveDuration('10s')),
  intervalJitterPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  healthyPanicThreshold: Type.Optional(
    Percentage({ description: 'Healthy share below which Envoy panics (default 50); 0 disables.' }),
  ),
  failTrafficOnPanic: Type.Optional(Type.Boolean({ description: 'Fail all requests in panic mode (default false).' })),
  eventLogPath: Type.Optional(Type.String({ minLength: 1 })),
  alwaysLogHealthCheckFailures: Type.Optional(
    Type.Boolean({ description: 'Log every failure, not just the first (default false).' }),
  ),
  noTrafficInterval: Type.Optional(
    PositiveDuration('10s', 'Interval while the cluster has had no traffic (default 60s).'),
  ),
  tcp: Type.Optional(TcpHealthCheck),
  http: Type.Optional(HttpHealthCheck),
  grpc: Type.Optional(GrpcHealthCheck),
  reuseConnection: Type.Optional(Type.Boolean({ description: 'Reuse the connection between checks (default true).' })),
});
export type MeshHealthCheckConf = Static<typeof MeshHealthCheckConf>;

export const MeshHealthCheckSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_PROXY_KINDS)),
  to: Type.Array(Strict({ targetRef: TargetRef(TO_KINDS), default: MeshHealthCheckConf }), { minItems: 1 }),
});
export type MeshHealthCheckSpec = Static<typeof MeshHealthCheckSpec>;

export const MeshHealthCheckKind = definePolicy({
  name: 'MeshHealthCheck',
  shortName: 'mhc',
  order: 1200,
  acts: 'outbound',
  spec: MeshHealthCheckSpec,
  check: (spec) => {
    const top = spec.targetRef?.kind ?? 'Mesh';
    const issues: InvalidParameter[] = [];
    spec.to.forEach((entry, i) => {
      if (entry.targetRef.kind === 'MeshExternalService' && top !== 'Mesh')
        issues.push({
          field: `to[${i}].targetRef.kind`,
          reason: 'MeshExternalService is only allowed when the top-level targetRef is Mesh',
        });
      const conf = entry.default;
      if (!conf.tcp && !conf.http && !conf.grpc)
        issues.push({ field: `to[${i}].default`, reason: 'must set at least one of tcp, http or grpc' });
    });
    return issues;
  },
});
