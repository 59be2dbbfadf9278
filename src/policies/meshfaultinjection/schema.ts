/**
 * MeshFaultInjection: injects HTTP faults (aborts with a status, delays,
 * response bandwidth limits) into a share of inbound requests (from, rules), or
 * of requests through a built-in gateway (to), to test resilience. Faults of a
 * list apply in order, each to what the previous ones let through.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../../api/errors.js';
import { Duration, Percentage, Strict } from '../../api/primitives.js';
import { definePolicy } from '../core/define-policy.js';
import { TargetRef } from '../core/targetref.js';

const TOP_KINDS = ['Mesh', 'Dataplane', 'MeshSubset', 'MeshGateway', 'MeshService', 'MeshServiceSubset'] as const;
const FROM_KINDS = ['Mesh', 'MeshSubset', 'MeshService', 'MeshServiceSubset'] as const;

const Share = () => Percentage({ description: 'Share of requests affected, 0 to 100 ("2.5" for fractions).' });

export const FaultInjectionConf = Strict({
  abort: Type.Optional(
    Strict({
      httpStatus: Type.Integer({ minimum: 100, maximum: 599, errorMessage: 'must be an HTTP status code between 100 and 599' }),
      percentage: Share(),
    }),
  ),
  delay: Type.Optional(Strict({ value: Duration({ description: 'How long the response is delayed.' }), percentage: Share() })),
  responseBandwidth: Type.Optional(
    Strict({
      limit: Type.String({ pattern: '^[0-9]+ ?[GMk]bps$', errorMessage: 'must be a bandwidth like 10kbps, 50Mbps or 1Gbps', description: 'Response bandwidth, in kbps, Mbps or Gbps.' }),
      percentage: Share(),
    }),
  ),
});
export type FaultInjectionConf = Static<typeof FaultInjectionConf>;

export const MeshFaultInjectionConf = Strict({ http: Type.Optional(Type.Array(FaultInjectionConf)) });
export type MeshFaultInjectionConf = Static<typeof MeshFaultInjectionConf>;

export const MeshFaultInjectionSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_KINDS)),
  to: Type.Optional(Type.Array(Strict({ targetRef: TargetRef(['Mesh']), default: Type.Optional(MeshFaultInjectionConf) }))),
  from: Type.Optional(Type.Array(Strict({ targetRef: TargetRef(FROM_KINDS), default: Type.Optional(MeshFaultInjectionConf) }))),
  rules: Type.Optional(Type.Array(Strict({ default: MeshFaultInjectionConf }))),
});
export type MeshFaultInjectionSpec = Static<typeof MeshFaultInjectionSpec>;

/** Whether the top-level targetRef can select built-in gateways, the only proxies a `to` applies to. */
function selectsGateways(ref: TargetRef | undefined): boolean {
  const kind = ref?.kind ?? 'Mesh';
  if (kind === 'MeshGateway') return true;
  return (kind === 'Mesh' || kind === 'MeshSubset') && (ref?.proxyTypes === undefined || ref.proxyTypes.includes('Gateway'));
}

export const MeshFaultInjectionKind = definePolicy({
  name: 'MeshFaultInjection',
  shortName: 'mfi',
  order: 800,
  spec: MeshFaultInjectionSpec,
  check: (spec) => {
    if (spec.to === undefined && spec.from === undefined && spec.rules === undefined)
      return [{ field: 'from', reason: 'at least one of to, from or rules must be set' }];
    const issues: InvalidParameter[] = [];
    const top = spec.targetRef?.kind ?? 'Mesh';
    if (spec.to && !selectsGateways(spec.targetRef))
      issues.push({ field: 'to', reason: `must not be set: outbound faults apply to built-in gateways only, and a ${top} targetRef selects none` });
    if (top === 'MeshGateway') {
      if (spec.from) issues.push({ field: 'from', reason: 'must not be set when the top-level targetRef is MeshGateway; use to' });
      if (spec.rules) issues.push({ field: 'rules', reason: 'must not be set when the top-level targetRef is MeshGateway; use to' });
    }
    return issues;
  },
});
