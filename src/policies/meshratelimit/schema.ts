/**
 * MeshRateLimit: local (per proxy instance) rate limiting of inbound HTTP
 * requests and TCP connections (from, rules), or of traffic through a
 * built-in gateway (to). Envoy's token bucket refills every `interval`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, Duration, Strict } from '../../api/index.js';
import {
  definePolicy,
  durationMs,
  checkGatewayOnlyTo,
  HeaderSetAdd,
  HttpStatus,
  checkSomeSection,
  FROM_KINDS,
  TargetRef,
  TOP_LEVEL_KINDS,
} from '../core/index.js';

/** Envoy's token bucket cannot refill faster than this. */
export const MIN_RATE_INTERVAL_MS = 50;

const Rate = (unit: string) =>
  Strict({
    num: Type.Integer({
      minimum: 1,
      maximum: 4294967295,
      errorMessage: 'must be an integer greater than 0',
      description: `${unit} allowed per interval.`,
    }),
    interval: Duration({ description: `Window in which ${unit.toLowerCase()} are counted; at least 50ms.` }),
  });

const LocalHTTP = Strict({
  disabled: Type.Optional(Type.Boolean({ description: 'Turns HTTP rate limiting off (default false).' })),
  requestRate: Type.Optional(Rate('Requests')),
  onRateLimit: Type.Optional(
    Strict({
      status: Type.Optional(HttpStatus({ description: 'Status of a limited request (default 429).' })),
      headers: Type.Optional(HeaderSetAdd()),
    }),
  ),
});

const LocalTCP = Strict({
  disabled: Type.Optional(Type.Boolean({ description: 'Turns TCP rate limiting off (default false).' })),
  connectionRate: Type.Optional(Rate('Connections')),
});

export const MeshRateLimitConf = Strict({
  local: Strict({ http: Type.Optional(LocalHTTP), tcp: Type.Optional(LocalTCP) }),
});
export type MeshRateLimitConf = Static<typeof MeshRateLimitConf>;

export const MeshRateLimitSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_KINDS)),
  to: Type.Optional(Type.Array(Strict({ targetRef: TargetRef(['Mesh']), default: MeshRateLimitConf }))),
  from: Type.Optional(Type.Array(Strict({ targetRef: TargetRef(FROM_KINDS), default: MeshRateLimitConf }))),
  rules: Type.Optional(Type.Array(Strict({ default: MeshRateLimitConf }))),
});
export type MeshRateLimitSpec = Static<typeof MeshRateLimitSpec>;

function checkInterval(rate: { interval: string } | undefined, at: string): InvalidParameter[] {
  return rate && durationMs(rate.interval) < MIN_RATE_INTERVAL_MS
    ? [{ field: `${at}.interval`, reason: 'must be at least 50ms' }]
    : [];
}

function checkConf(conf: MeshRateLimitConf, at: string): InvalidParameter[] {
  const { http, tcp } = conf.local;
  const issues: InvalidParameter[] = [];
  if (!http && !tcp) issues.push({ field: `${at}.local`, reason: 'must set at least one of http or tcp' });
  if (http) {
    if (http.disabled === undefined && !http.requestRate && !http.onRateLimit)
      issues.push({
        field: `${at}.local.http`,
        reason: 'must set at least one of disabled, requestRate or onRateLimit',
      });
    issues.push(...checkInterval(http.requestRate, `${at}.local.http.requestRate`));
  }
  if (tcp) {
    if (tcp.disabled === undefined && !tcp.connectionRate)
      issues.push({ field: `${at}.local.tcp`, reason: 'must set at least one of disabled or connectionRate' });
    issues.push(...checkInterval(tcp.connectionRate, `${at}.local.tcp.connectionRate`));
  }
  return issues;
}

export const MeshRateLimitKind = definePolicy({
  name: 'MeshRateLimit',
  shortName: 'mrl',
  order: 900,
  acts: 'both',
  fromAsRules: true,
  spec: MeshRateLimitSpec,
  check: (spec) => {
    const missing = checkSomeSection(spec, 'from');
    if (missing.length > 0) return missing;
    const issues: InvalidParameter[] = checkGatewayOnlyTo(spec, 'rate limits on outbound traffic');
    const top = spec.targetRef?.kind ?? 'Mesh';
    if (spec.from && (top === 'MeshGateway' || top === 'MeshHTTPRoute'))
      issues.push({ field: 'from', reason: `must not be set when the top-level targetRef is ${top}; use to` });
    spec.to?.forEach((entry, i) => issues.push(...checkConf(entry.default, `to[${i}].default`)));
    spec.from?.forEach((entry, i) => issues.push(...checkConf(entry.default, `from[${i}].default`)));
    spec.rules?.forEach((rule, i) => issues.push(...checkConf(rule.default, `rules[${i}].default`)));
    return issues;
  },
});
