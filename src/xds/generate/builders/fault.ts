/**
 * The HTTP fault filter (envoy.filters.http.fault): aborts, delays and
 * throttles a share of the requests that pass it. Envoy and grpc-js-xds
 * (client side only, abort and delay) both read it.
 *
 *   HTTPFault { abort {http_status, percentage}, delay {fixed_delay, percentage},
 *               response_rate_limit {fixed_limit {limit_kbps}, percentage} }
 */
import { create } from '@bufbuild/protobuf';
import { anyPack, durationFromMs } from '@bufbuild/protobuf/wkt';
import {
  FaultDelaySchema,
  FaultRateLimitSchema,
} from '../../envoy/gen/envoy/extensions/filters/common/fault/v3/fault_pb.js';
import {
  FaultAbortSchema,
  HTTPFaultSchema,
  type HTTPFault,
} from '../../envoy/gen/envoy/extensions/filters/http/fault/v3/fault_pb.js';
import {
  HttpFilterSchema,
  type HttpFilter,
} from '../../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import {
  FractionalPercent_DenominatorType,
  FractionalPercentSchema,
  type FractionalPercent,
} from '../../envoy/gen/envoy/type/v3/percent_pb.js';

export const FAULT_FILTER_NAME = 'envoy.filters.http.fault';

/** Digits after the decimal point a share keeps: a millionth is 0.0001 %. */
const MILLION_DECIMALS = 4;

/**
 * A share of requests, 0 to 100, as Envoy's fraction: whole percentages over
 * a hundred (what a reader expects to see), anything finer over a million,
 * rounded to the nearest millionth.
 */
export function fractionalPercent(percentage: number): FractionalPercent {
  if (Number.isInteger(percentage))
    return create(FractionalPercentSchema, {
      numerator: percentage,
      denominator: FractionalPercent_DenominatorType.HUNDRED,
    });
  return create(FractionalPercentSchema, {
    numerator: Math.round(percentage * 10 ** MILLION_DECIMALS),
    denominator: FractionalPercent_DenominatorType.MILLION,
  });
}

export interface FaultInput {
  readonly abort?: { readonly httpStatus: number; readonly percentage: number };
  readonly delay?: { readonly delayMs: number; readonly percentage: number };
  readonly responseRateLimit?: { readonly limitKbps: number; readonly percentage: number };
}

export function buildHttpFault(input: FaultInput): HTTPFault {
  const { abort, delay, responseRateLimit } = input;
  return create(HTTPFaultSchema, {
    ...(abort
      ? {
          abort: create(FaultAbortSchema, {
            errorType: { case: 'httpStatus', value: abort.httpStatus },
            percentage: fractionalPercent(abort.percentage),
          }),
        }
      : {}),
    ...(delay
      ? {
          delay: create(FaultDelaySchema, {
            faultDelaySecifier: { case: 'fixedDelay', value: durationFromMs(delay.delayMs) },
            percentage: fractionalPercent(delay.percentage),
          }),
        }
      : {}),
    ...(responseRateLimit
      ? {
          responseRateLimit: create(FaultRateLimitSchema, {
            limitType: { case: 'fixedLimit', value: { limitKbps: BigInt(responseRateLimit.limitKbps) } },
            percentage: fractionalPercent(responseRateLimit.percentage),
          }),
        }
      : {}),
  });
}

/** The fault as an HTTP filter; `name` must be unique in its connection manager (grpc-js-xds checks). */
export function httpFaultFilter(name: string, fault: HTTPFault): HttpFilter {
  return create(HttpFilterSchema, {
    name,
    configType: { case: 'typedConfig', value: anyPack(HTTPFaultSchema, fault) },
  });
}

/** The message types this builder packs, for the registry that prints typed configs (registry.ts). */
export const faultFilterSchemas = [HTTPFaultSchema] as const;
