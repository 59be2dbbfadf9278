/**
 * A resolved MeshRateLimit conf as the token buckets of one inbound: requests
 * (HTTP inbounds only) and connections. `disabled` or a missing rate means no
 * bucket: `onRateLimit` alone limits nothing.
 */
import {
  isEnvoyStatusCode,
  type HttpLocalRateLimitInput,
  type ResponseHeader,
  type TokenBucketInput,
} from '../../xds/generate/index.js';
import { durationMs } from '../core/index.js';
import type { MeshRateLimitConf } from './schema.js';

/** What Envoy answers a limited request when the policy names no status. */
const DEFAULT_STATUS = 429;

export interface InboundLimits {
  readonly requests?: Omit<HttpLocalRateLimitInput, 'statPrefix'>;
  readonly connections?: TokenBucketInput;
}

const bucketOf = (rate: { readonly num: number; readonly interval: string }): TokenBucketInput => ({
  tokens: rate.num,
  fillIntervalMs: durationMs(rate.interval),
});

type OnRateLimit = NonNullable<NonNullable<MeshRateLimitConf['local']['http']>['onRateLimit']>;

const responseHeaders = (headers: OnRateLimit['headers']): ResponseHeader[] => [
  ...(headers?.set ?? []).map(({ name, value }) => ({ name, value, append: false })),
  ...(headers?.add ?? []).map(({ name, value }) => ({ name, value, append: true })),
];

/** The status a limited request gets; Envoy takes only codes its StatusCode enum names. */
function limitedStatus(status: number | undefined, at: string, warn: (message: string) => void): number {
  if (status === undefined) return DEFAULT_STATUS;
  if (isEnvoyStatusCode(status)) return status;
  warn(
    `${at}.onRateLimit.status ${status} not applied: Envoy cannot answer with it; limited requests get ${DEFAULT_STATUS}`,
  );
  return DEFAULT_STATUS;
}

export function inboundLimits(
  conf: unknown,
  http: boolean,
  at: string,
  warn: (message: string) => void,
): InboundLimits {
  const local = (conf as MeshRateLimitConf | undefined)?.local;
  const limits: { -readonly [K in keyof InboundLimits]: InboundLimits[K] } = {};
  const httpConf = local?.http;
  if (http && httpConf?.requestRate && httpConf.disabled !== true) {
    limits.requests = {
      bucket: bucketOf(httpConf.requestRate),
      status: limitedStatus(httpConf.onRateLimit?.status, `${at} local.http`, warn),
      responseHeaders: responseHeaders(httpConf.onRateLimit?.headers),
    };
  }
  const tcp = local?.tcp;
  if (tcp?.connectionRate && tcp.disabled !== true) limits.connections = bucketOf(tcp.connectionRate);
  return limits;
}
