/**
 * MeshRetry: when and how often a proxy retries a failed outbound request or
 * connection (to), per protocol: TCP connect attempts, HTTP and gRPC retries
 * with back-off, rate-limit aware back-off and host selection.
 * A new mesh gets `defaultMeshRetrySpec()`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, Duration, Int32, Int64, Strict, StringEnum, Tags, Uint32 } from '../../api/index.js';
import {
  definePolicy,
  durationMs,
  PositiveDuration,
  HeaderMatch,
  HeaderName,
  TargetRef,
  TO_OR_ROUTE_KINDS,
  TOP_LEVEL_KINDS,
} from '../core/index.js';

const RetriableHeader = HeaderMatch('How to match the value (default Exact).');

const BackOff = Strict({
  baseInterval: Type.Optional(
    PositiveDuration('25ms', 'Base of the exponential back-off between retries (default 25ms).'),
  ),
  maxInterval: Type.Optional(Duration({ description: 'Cap of the back-off (default 10 times baseInterval).' })),
});

const RateLimitedBackOff = Strict({
  resetHeaders: Type.Array(Strict({ name: HeaderName(), format: StringEnum(['Seconds', 'UnixTimestamp']) })),
  maxInterval: Type.Optional(PositiveDuration('25ms', 'Longest wait taken from a reset header (default 300s).')),
});

/** Named conditions; any HTTP status code ("503") is accepted too. */
export const HTTP_RETRY_ON = [
  '5xx',
  '5XX',
  'GatewayError',
  'Reset',
  'Retriable4xx',
  'ConnectFailure',
  'EnvoyRatelimited',
  'RefusedStream',
  'Http3PostConnectFailure',
  'HttpMethodConnect',
  'HttpMethodDelete',
  'HttpMethodGet',
  'HttpMethodHead',
  'HttpMethodOptions',
  'HttpMethodPatch',
  'HttpMethodPost',
  'HttpMethodPut',
  'HttpMethodTrace',
] as const;
export const GRPC_RETRY_ON = ['Canceled', 'DeadlineExceeded', 'Internal', 'ResourceExhausted', 'Unavailable'] as const;

const NumRetries = () => Uint32({ description: 'Retries of a failed request (default 1).' });
const PerTryTimeout = () =>
  Duration({ description: 'Timeout of each attempt (default: the route timeout); 0s disables.' });

const HTTPConf = Strict({
  numRetries: Type.Optional(NumRetries()),
  perTryTimeout: Type.Optional(PerTryTimeout()),
  backOff: Type.Optional(BackOff),
  rateLimitedBackOff: Type.Optional(RateLimitedBackOff),
  retryOn: Type.Optional(Type.Array(Type.String())),
  retriableResponseHeaders: Type.Optional(Type.Array(RetriableHeader)),
  retriableRequestHeaders: Type.Optional(Type.Array(RetriableHeader)),
  hostSelection: Type.Optional(
    Type.Array(
      Strict({
        predicate: StringEnum(['OmitPreviousHosts', 'OmitHostsWithTags', 'OmitPreviousPriorities']),
        tags: Type.Optional(Tags()),
        updateFrequency: Type.Optional(Int32({ minimum: 1, description: 'For OmitPreviousPriorities (default 2).' })),
      }),
    ),
  ),
  hostSelectionMaxAttempts: Type.Optional(Int64({ description: 'Host selection attempts (default 1).' })),
});

const GRPCConf = Strict({
  numRetries: Type.Optional(NumRetries()),
  perTryTimeout: Type.Optional(PerTryTimeout()),
  backOff: Type.Optional(BackOff),
  rateLimitedBackOff: Type.Optional(RateLimitedBackOff),
  retryOn: Type.Optional(Type.Array(StringEnum(GRPC_RETRY_ON))),
});

export const MeshRetryConf = Strict({
  tcp: Type.Optional(
    Strict({ maxConnectAttempt: Uint32({ minimum: 1, description: 'TCP connection attempts before giving up.' }) }),
  ),
  http: Type.Optional(HTTPConf),
  grpc: Type.Optional(GRPCConf),
});
export type MeshRetryConf = Static<typeof MeshRetryConf>;

export const MeshRetrySpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_KINDS)),
  to: Type.Array(Strict({ targetRef: TargetRef(TO_OR_ROUTE_KINDS), default: MeshRetryConf }), { minItems: 1 }),
});
export type MeshRetrySpec = Static<typeof MeshRetrySpec>;

const isStatusCode = (value: string) => /^[1-5][0-9]{2}$/.test(value);

function checkBackOff(backOff: Static<typeof BackOff> | undefined, at: string): InvalidParameter[] {
  if (!backOff) return [];
  if (backOff.baseInterval === undefined && backOff.maxInterval === undefined)
    return [{ field: at, reason: 'must set baseInterval or maxInterval' }];
  if (
    backOff.baseInterval !== undefined &&
    backOff.maxInterval !== undefined &&
    durationMs(backOff.baseInterval) > durationMs(backOff.maxInterval)
  )
    return [{ field: `${at}.maxInterval`, reason: 'must not be less than baseInterval' }];
  return [];
}

function checkConf(conf: MeshRetryConf, at: string): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  if (!conf.tcp && !conf.http && !conf.grpc)
    issues.push({ field: at, reason: 'must set at least one of tcp, http or grpc' });
  for (const protocol of ['http', 'grpc'] as const) {
    const section = conf[protocol];
    if (section === undefined) continue;
    if (Object.keys(section).length === 0) issues.push({ field: `${at}.${protocol}`, reason: 'must not be empty' });
    issues.push(...checkBackOff(section.backOff, `${at}.${protocol}.backOff`));
  }
  conf.http?.retryOn?.forEach((value, i) => {
    if (!(HTTP_RETRY_ON as readonly string[]).includes(value) && !isStatusCode(value))
      issues.push({
        field: `${at}.http.retryOn[${i}]`,
        reason: `unknown condition "${value}": use one of ${HTTP_RETRY_ON.join(', ')} or an HTTP status code`,
      });
  });
  let priorities = 0;
  conf.http?.hostSelection?.forEach((predicate, i) => {
    if (predicate.predicate === 'OmitHostsWithTags' && predicate.tags === undefined)
      issues.push({ field: `${at}.http.hostSelection[${i}].tags`, reason: 'is required for OmitHostsWithTags' });
    if (predicate.predicate === 'OmitPreviousPriorities' && ++priorities > 1)
      issues.push({
        field: `${at}.http.hostSelection[${i}].predicate`,
        reason: 'OmitPreviousPriorities may be given only once',
      });
  });
  return issues;
}

/** Behind a gateway or a route, retries can only target the whole mesh or an external service. */
const GATEWAY_TO_KINDS: readonly string[] = ['Mesh', 'MeshExternalService'];

export const MeshRetryKind = definePolicy({
  name: 'MeshRetry',
  shortName: 'mr',
  order: 1400,
  acts: 'outbound',
  spec: MeshRetrySpec,
  check: (spec) => {
    const top = spec.targetRef?.kind ?? 'Mesh';
    const gatewayLike = top === 'MeshGateway' || top === 'MeshHTTPRoute';
    return spec.to.flatMap((entry, i) => [
      ...(gatewayLike && !GATEWAY_TO_KINDS.includes(entry.targetRef.kind)
        ? [
            {
              field: `to[${i}].targetRef.kind`,
              reason: `must be Mesh or MeshExternalService when the top-level targetRef is ${top}`,
            },
          ]
        : []),
      ...checkConf(entry.default, `to[${i}].default`),
    ]);
  },
});

/** The MeshRetry every new mesh gets (Kuma's defaults). */
export const defaultMeshRetrySpec = (): MeshRetrySpec => {
  const backOff = { baseInterval: '25ms', maxInterval: '250ms' };
  return {
    targetRef: { kind: 'Mesh' },
    to: [
      {
        targetRef: { kind: 'Mesh' },
        default: {
          tcp: { maxConnectAttempt: 5 },
          http: { numRetries: 5, perTryTimeout: '16s', backOff: { ...backOff } },
          grpc: { numRetries: 5, perTryTimeout: '16s', backOff: { ...backOff } },
        },
      },
    ],
  };
};
