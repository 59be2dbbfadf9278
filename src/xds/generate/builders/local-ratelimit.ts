/**
 * Envoy's local (per proxy instance) rate limits, both token buckets that
 * refill `tokens` every `fillIntervalMs`:
 *
 *   HTTP filter    envoy.filters.http.local_ratelimit: a request takes a token;
 *                  without one it gets `status` and `responseHeaders`.
 *   network filter envoy.filters.network.local_ratelimit: a connection takes a
 *                  token; without one it is closed.
 *
 * The HTTP filter only limits when `filter_enabled` and `filter_enforced` say
 * so; both are set to 100 % here (Envoy's default for them is 0 %).
 */
import { create } from '@bufbuild/protobuf';
import { anyPack, durationFromMs } from '@bufbuild/protobuf/wkt';
import {
  HeaderValueOption_HeaderAppendAction,
  HeaderValueOptionSchema,
  RuntimeFractionalPercentSchema,
  type HeaderValueOption,
  type RuntimeFractionalPercent,
} from '../../envoy/gen/envoy/config/core/v3/base_pb.js';
import type { Filter } from '../../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { LocalRateLimitSchema as HttpLocalRateLimitSchema } from '../../envoy/gen/envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit_pb.js';
import { LocalRateLimitSchema as NetworkLocalRateLimitSchema } from '../../envoy/gen/envoy/extensions/filters/network/local_ratelimit/v3/local_rate_limit_pb.js';
import {
  HttpFilterSchema,
  type HttpFilter,
} from '../../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { StatusCode } from '../../envoy/gen/envoy/type/v3/http_status_pb.js';
import { FractionalPercent_DenominatorType } from '../../envoy/gen/envoy/type/v3/percent_pb.js';
import { TokenBucketSchema, type TokenBucket } from '../../envoy/gen/envoy/type/v3/token_bucket_pb.js';
import { networkFilter } from './filter-chain.js';

export const HTTP_LOCAL_RATE_LIMIT_NAME = 'envoy.filters.http.local_ratelimit';
export const NETWORK_LOCAL_RATE_LIMIT_NAME = 'envoy.filters.network.local_ratelimit';

export interface TokenBucketInput {
  /** Tokens per interval, which is also the burst the bucket holds. */
  readonly tokens: number;
  readonly fillIntervalMs: number;
}

const tokenBucket = ({ tokens, fillIntervalMs }: TokenBucketInput): TokenBucket =>
  create(TokenBucketSchema, { maxTokens: tokens, tokensPerFill: tokens, fillInterval: durationFromMs(fillIntervalMs) });

const always = (): RuntimeFractionalPercent =>
  create(RuntimeFractionalPercentSchema, {
    defaultValue: { numerator: 100, denominator: FractionalPercent_DenominatorType.HUNDRED },
  });

/** Whether Envoy's StatusCode enum names this code: the filter's `status` accepts no other (PGV defined_only). */
export const isEnvoyStatusCode = (code: number): boolean => StatusCode[code] !== undefined && code !== 0;

export interface ResponseHeader {
  readonly name: string;
  readonly value: string;
  /** true appends a value to an existing header; false replaces it. */
  readonly append: boolean;
}

const headerOption = (header: ResponseHeader): HeaderValueOption =>
  create(HeaderValueOptionSchema, {
    header: { key: header.name, value: header.value },
    appendAction: header.append
      ? HeaderValueOption_HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
      : HeaderValueOption_HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
  });

export interface HttpLocalRateLimitInput {
  readonly statPrefix: string;
  readonly bucket: TokenBucketInput;
  /** Status of a limited request; Envoy answers 429 without one. Must be an Envoy StatusCode. */
  readonly status?: number;
  readonly responseHeaders?: readonly ResponseHeader[];
}

export function httpLocalRateLimitFilter(input: HttpLocalRateLimitInput): HttpFilter {
  const config = create(HttpLocalRateLimitSchema, {
    statPrefix: input.statPrefix,
    tokenBucket: tokenBucket(input.bucket),
    filterEnabled: always(),
    filterEnforced: always(),
    responseHeadersToAdd: (input.responseHeaders ?? []).map(headerOption),
    ...(input.status !== undefined ? { status: { code: input.status as StatusCode } } : {}),
  });
  return create(HttpFilterSchema, {
    name: HTTP_LOCAL_RATE_LIMIT_NAME,
    configType: { case: 'typedConfig', value: anyPack(HttpLocalRateLimitSchema, config) },
  });
}

export function networkLocalRateLimitFilter(statPrefix: string, bucket: TokenBucketInput): Filter {
  const config = create(NetworkLocalRateLimitSchema, { statPrefix, tokenBucket: tokenBucket(bucket) });
  return networkFilter(NETWORK_LOCAL_RATE_LIMIT_NAME, anyPack(NetworkLocalRateLimitSchema, config));
}

/** The message types this builder packs, for the registry that prints typed configs (registry.ts). */
export const localRateLimitSchemas = [HttpLocalRateLimitSchema, NetworkLocalRateLimitSchema] as const;
