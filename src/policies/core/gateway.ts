/**
 * Which proxies a top-level targetRef can select, for policies whose `to`
 * section applies to built-in gateways only (MeshFaultInjection, MeshRateLimit).
 */
import type { InvalidParameter } from '../../api/index.js';
import type { TargetRef } from './targetref.js';

/**
 * Whether the top-level targetRef can select built-in gateways, the only proxies a `to` applies to.
 * A MeshHTTPRoute at the top level counts as a gateway route; policies whose schema does not accept
 * that kind at the top level never ask about it.
 */
export function selectsGateways(ref: TargetRef | undefined): boolean {
  const kind = ref?.kind ?? 'Mesh';
  if (kind === 'MeshGateway' || kind === 'MeshHTTPRoute') return true;
  return (
    (kind === 'Mesh' || kind === 'MeshSubset') && (ref?.proxyTypes === undefined || ref.proxyTypes.includes('Gateway'))
  );
}

/** `to` is only allowed when the top-level targetRef can select a gateway; `what` names what the policy configures there. */
export function checkGatewayOnlyTo(
  spec: { readonly targetRef?: TargetRef; readonly to?: unknown },
  what: string,
): InvalidParameter[] {
  if (spec.to === undefined || selectsGateways(spec.targetRef)) return [];
  const top = spec.targetRef?.kind ?? 'Mesh';
  return [
    {
      field: 'to',
      reason: `must not be set: ${what} apply to built-in gateways only, and a ${top} targetRef selects none`,
    },
  ];
}
