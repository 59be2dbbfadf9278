/**
 * MeshFaultInjection: injects HTTP faults (aborts with a status, delays,
 * response bandwidth limits) into a share of inbound requests (from, rules), or
 * of requests through a built-in gateway (to), to test resilience. Faults of a
 * list apply in order, each to what the previous ones let through.
 */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, Duration, Percentage, Strict } from '../../api/index.js';
import {
  definePolicy,
  checkGatewayOnlyTo,
  HttpStatus,
  checkSomeSection,
  FROM_SERVICE_KINDS,
  TargetRef,
  TOP_LEVEL_PROXY_KINDS,
} from '../core/index.js';
import { bandwidthKbps } from './bandwidth.js';

const Share = () => Percentage({ description: 'Share of requests affected, 0 to 100 ("2.5" for fractions).' });

export const FaultInjectionConf = Strict({
  abort: Type.Optional(
    Strict({
      httpStatus: HttpStatus(),
      percentage: Share(),
    }),
  ),
  delay: Type.Optional(
    Strict({ value: Duration({ description: 'How long the response is delayed.' }), percentage: Share() }),
  ),
  responseBandwidth: Type.Optional(
    Strict({
      limit: Type.String({
        pattern: '^[0-9]+ ?[GMk]bps$',
        errorMessage: 'must be a bandwidth like 10kbps, 50Mbps or 1Gbps',
        description: 'Response bandwidth, in kbps, Mbps or Gbps.',
      }),
      percentage: Share(),
    }),
  ),
});
export type FaultInjectionConf = Static<typeof FaultInjectionConf>;

export const MeshFaultInjectionConf = Strict({ http: Type.Optional(Type.Array(FaultInjectionConf)) });
export type MeshFaultInjectionConf = Static<typeof MeshFaultInjectionConf>;

export const MeshFaultInjectionSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_PROXY_KINDS)),
  to: Type.Optional(
    Type.Array(Strict({ targetRef: TargetRef(['Mesh']), default: Type.Optional(MeshFaultInjectionConf) })),
  ),
  from: Type.Optional(
    Type.Array(Strict({ targetRef: TargetRef(FROM_SERVICE_KINDS), default: Type.Optional(MeshFaultInjectionConf) })),
  ),
  rules: Type.Optional(Type.Array(Strict({ default: MeshFaultInjectionConf }))),
});
export type MeshFaultInjectionSpec = Static<typeof MeshFaultInjectionSpec>;

/** Envoy takes the limit in kbps as a uint64; beyond 2^53 a JSON number is no longer exact. */
function checkBandwidths(spec: MeshFaultInjectionSpec): InvalidParameter[] {
  const sections = [
    ['to', spec.to],
    ['from', spec.from],
    ['rules', spec.rules],
  ] as const;
  return sections.flatMap(([section, entries]) =>
    (entries ?? []).flatMap((entry, i) =>
      (entry.default?.http ?? []).flatMap((fault, f) => {
        const limit = fault.responseBandwidth?.limit;
        return limit !== undefined && bandwidthKbps(limit) > Number.MAX_SAFE_INTEGER
          ? [
              {
                field: `${section}[${i}].default.http[${f}].responseBandwidth.limit`,
                reason: `must be at most ${Number.MAX_SAFE_INTEGER}kbps`,
              },
            ]
          : [];
      }),
    ),
  );
}

export const MeshFaultInjectionKind = definePolicy({
  name: 'MeshFaultInjection',
  shortName: 'mfi',
  order: 800,
  acts: 'both',
  spec: MeshFaultInjectionSpec,
  check: (spec) => {
    const missing = checkSomeSection(spec, 'from');
    if (missing.length > 0) return missing;
    const issues: InvalidParameter[] = checkGatewayOnlyTo(spec, 'outbound faults');
    issues.push(...checkBandwidths(spec));
    if (spec.targetRef?.kind === 'MeshGateway') {
      if (spec.from)
        issues.push({ field: 'from', reason: 'must not be set when the top-level targetRef is MeshGateway; use to' });
      if (spec.rules)
        issues.push({ field: 'rules', reason: 'must not be set when the top-level targetRef is MeshGateway; use to' });
    }
    return issues;
  },
});
