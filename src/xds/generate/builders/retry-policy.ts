/**
 * A route's retry policy in Envoy's terms
 * (https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/route/v3/route_components.proto#config-route-v3-retrypolicy).
 * Conditions are Envoy's `retry_on` names (`5xx`, `gateway-error`,
 * `unavailable`, ...); durations are milliseconds. proxyless gRPC reads the
 * same message, but only `retry_on` (gRPC status names), `num_retries` and
 * `retry_back_off` (grpc-js-xds resolver-xds.js).
 */
import { create } from '@bufbuild/protobuf';
import {
  HeaderMatcherSchema,
  RetryPolicy_ResetHeaderFormat,
  RetryPolicySchema,
  type HeaderMatcher,
  type RetryPolicy,
} from '../../envoy/gen/envoy/config/route/v3/route_components_pb.js';
import type { HeaderMatchInput } from './route-match.js';
import { durationOfMs } from './timeouts.js';

export { RetryPolicy_ResetHeaderFormat };

/** Envoy checks base_interval > 0 and max_interval >= base_interval; its own default base is 25ms. */
export const DEFAULT_RETRY_BASE_INTERVAL_MS = 25;

export interface RetryBackOffInput {
  readonly baseIntervalMs?: number | undefined;
  readonly maxIntervalMs?: number | undefined;
}

export interface RetryPolicyInput {
  readonly retryOn: readonly string[];
  readonly numRetries?: number | undefined;
  readonly perTryTimeoutMs?: number | undefined;
  readonly backOff?: RetryBackOffInput | undefined;
  readonly rateLimitedBackOff?: {
    readonly resetHeaders: readonly { readonly name: string; readonly format: RetryPolicy_ResetHeaderFormat }[];
    readonly maxIntervalMs?: number | undefined;
  };
  readonly retriableStatusCodes?: readonly number[];
  /** Response headers that make a response retriable. */
  readonly retriableHeaders?: readonly HeaderMatcher[];
  /** Request headers a request must carry to be retried at all. */
  readonly retriableRequestHeaders?: readonly HeaderMatcher[];
  readonly hostSelectionMaxAttempts?: number | undefined;
}

/**
 * The back-off with a base interval always set (Envoy's PGV rule and
 * grpc-js-xds both reject a back-off without one): given only a maximum,
 * the base is Envoy's default, lowered to the maximum if that is smaller.
 */
export function retryBackOffIntervals(input: RetryBackOffInput): { baseIntervalMs: number; maxIntervalMs?: number } {
  const baseIntervalMs =
    input.baseIntervalMs ??
    Math.min(DEFAULT_RETRY_BASE_INTERVAL_MS, input.maxIntervalMs ?? DEFAULT_RETRY_BASE_INTERVAL_MS);
  return input.maxIntervalMs === undefined
    ? { baseIntervalMs }
    : { baseIntervalMs, maxIntervalMs: input.maxIntervalMs };
}

export function buildRetryPolicy(input: RetryPolicyInput): RetryPolicy {
  const backOff = input.backOff ? retryBackOffIntervals(input.backOff) : undefined;
  const rateLimited = input.rateLimitedBackOff;
  return create(RetryPolicySchema, {
    retryOn: input.retryOn.join(','),
    ...(input.numRetries !== undefined ? { numRetries: input.numRetries } : {}),
    ...(input.perTryTimeoutMs !== undefined ? { perTryTimeout: durationOfMs(input.perTryTimeoutMs) } : {}),
    ...(backOff
      ? {
          retryBackOff: {
            baseInterval: durationOfMs(backOff.baseIntervalMs),
            ...(backOff.maxIntervalMs !== undefined ? { maxInterval: durationOfMs(backOff.maxIntervalMs) } : {}),
          },
        }
      : {}),
    ...(rateLimited
      ? {
          rateLimitedRetryBackOff: {
            resetHeaders: rateLimited.resetHeaders.map(({ name, format }) => ({ name, format })),
            ...(rateLimited.maxIntervalMs !== undefined
              ? { maxInterval: durationOfMs(rateLimited.maxIntervalMs) }
              : {}),
          },
        }
      : {}),
    retriableStatusCodes: [...(input.retriableStatusCodes ?? [])],
    retriableHeaders: [...(input.retriableHeaders ?? [])],
    retriableRequestHeaders: [...(input.retriableRequestHeaders ?? [])],
    ...(input.hostSelectionMaxAttempts !== undefined
      ? { hostSelectionRetryMaxAttempts: BigInt(input.hostSelectionMaxAttempts) }
      : {}),
  });
}

/**
 * A header matcher for retry conditions, from the same input route matches
 * use (route-match.ts). Absent is "present, inverted", as there.
 */
export function buildHeaderMatcher(header: HeaderMatchInput): HeaderMatcher {
  if (header.kind === 'present' || header.kind === 'absent')
    return create(HeaderMatcherSchema, {
      name: header.name,
      headerMatchSpecifier: { case: 'presentMatch', value: true },
      invertMatch: header.kind === 'absent',
    });
  const value = header.value ?? '';
  const matchPattern =
    header.kind === 'regex'
      ? ({ case: 'safeRegex', value: { regex: value } } as const)
      : ({ case: header.kind, value } as const);
  return create(HeaderMatcherSchema, {
    name: header.name,
    headerMatchSpecifier: { case: 'stringMatch', value: { matchPattern } },
  });
}
