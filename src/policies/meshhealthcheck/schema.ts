/**
 * MeshHealthCheck: active health checking of outbound destinations (to). The
 * proxy probes each endpoint over TCP, HTTP or gRPC and takes unhealthy ones
 * out of load balancing.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../../api/errors.js';
import { Duration, DURATION_PATTERN, Percentage, Strict } from '../../api/primitives.js';
import { definePolicy } from '../core/define-policy.js';
import { TargetRef } from '../core/targetref.js';

const TOP_KINDS = ['Mesh', 'Dataplane', 'MeshSubset', 'MeshGateway', 'MeshService', 'MeshServiceSubset'] as const;
const TO_KINDS = ['Mesh', 'MeshService', 'MeshExternalService'] as const;

const PositiveDuration = (description?: string) =>
  Duration({
    pattern: DURATION_PATTERN.replace('^', '^(?=.*[1-9])'),
    errorMessage: 'must be a duration greater than 0, like 10s',
    ...(description ? { description } : {}),
  });
const Threshold = (description: string) => Type.Integer({ minimum: 1, maximum: 2147483647, description });

const HeaderKeyValue = Strict({
  name: Type.String({ minLength: 1, maxLength: 256, pattern: "^[a-z0-9!#$%&'*+\\-.^_`|~]+$", errorMessage: 'must be a lower case HTTP header name' }),
  value: Type.String(),
});
const HeaderModifier = Strict({
  set: Type.Optional(Type.Array(HeaderKeyValue, { maxItems: 16 })),
  add: Type.Optional(Type.Array(HeaderKeyValue, { maxItems: 16 })),
});

const TcpHealthCheck = Strict({
  disabled: Type.Optional(Type.Boolean({ description: 'Turns this check off (default false).' })),
  send: Type.Optional(Type.String({ description: 'Base64 payload sent on each check.' })),
  receive: Type.Optional(Type.Array(Type.String(), { description: 'Base64 blocks expected in order; none means connect only.' })),
});

const HttpHealthCheck = Strict({
  disabled: Type.Optional(Type.Boolean({ description: 'Turns this check off (default false).' })),
  path: Type.Optional(Type.String({ minLength: 1, description: 'Path requested on each check (default "/").' })),
  requestHeadersToAdd: Type.Optional(HeaderModifier),
  expectedStatuses: Type.Optional(
    Type.Array(Type.Integer({ minimum: 100, maximum: 599, errorMessage: 'must be an HTTP status code between 100 and 599' }), {
      description: 'Statuses counted as healthy (default 200).',
    }),
  ),
});

const GrpcHealthCheck = Strict({
  disabled: Type.Optional(Type.Boolean({ description: 'Turns this check off (default false).' })),
  serviceName: Type.Optional(Type.String()),
  authority: Type.Optional(Type.String({ description: 'The :authority of the check (default: the cluster name).' })),
});

export const MeshHealthCheckConf = Strict({
  interval: Type.Optional(PositiveDuration('Time between checks (default 1m).')),
  timeout: Type.Optional(PositiveDuration('Time to wait for a response (default 15s).')),
  unhealthyThreshold: Type.Optional(Threshold('Failed checks before a host is unhealthy (default 5).')),
  healthyThreshold: Type.Optional(Threshold('Passed checks before a host is healthy again (default 1).')),
  initialJitter: Type.Optional(PositiveDuration()),
  intervalJitter: Type.Optional(PositiveDuration()),
  intervalJitterPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  healthyPanicThreshold: Type.Optional(Percentage({ description: 'Healthy share below which Envoy panics (default 50); 0 disables.' })),
  failTrafficOnPanic: Type.Optional(Type.Boolean({ description: 'Fail all requests in panic mode (default false).' })),
  eventLogPath: Type.Optional(Type.String({ minLength: 1 })),
  alwaysLogHealthCheckFailures: Type.Optional(Type.Boolean({ description: 'Log every failure, not just the first (default false).' })),
  noTrafficInterval: Type.Optional(PositiveDuration('Interval while the cluster has had no traffic (default 60s).')),
  tcp: Type.Optional(TcpHealthCheck),
  http: Type.Optional(HttpHealthCheck),
  grpc: Type.Optional(GrpcHealthCheck),
  reuseConnection: Type.Optional(Type.Boolean({ description: 'Reuse the connection between checks (default true).' })),
});
export type MeshHealthCheckConf = Static<typeof MeshHealthCheckConf>;

export const MeshHealthCheckSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_KINDS)),
  to: Type.Array(Strict({ targetRef: TargetRef(TO_KINDS), default: MeshHealthCheckConf }), { minItems: 1 }),
});
export type MeshHealthCheckSpec = Static<typeof MeshHealthCheckSpec>;

export const MeshHealthCheckKind = definePolicy({
  name: 'MeshHealthCheck',
  shortName: 'mhc',
  order: 1200,
  spec: MeshHealthCheckSpec,
  check: (spec) => {
    const top = spec.targetRef?.kind ?? 'Mesh';
    const issues: InvalidParameter[] = [];
    spec.to.forEach((entry, i) => {
      if (entry.targetRef.kind === 'MeshExternalService' && top !== 'Mesh')
        issues.push({ field: `to[${i}].targetRef.kind`, reason: 'MeshExternalService is only allowed when the top-level targetRef is Mesh' });
      const conf = entry.default;
      if (!conf.tcp && !conf.http && !conf.grpc)
        issues.push({ field: `to[${i}].default`, reason: 'must set at least one of tcp, http or grpc' });
    });
    return issues;
  },
});
