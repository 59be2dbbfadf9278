/**
 * Which MeshTrafficPermission rules apply to each inbound of a dataplane: the
 * policies selecting the proxy (mesh-policies.ts), resolved per inbound into
 * source rules (policies/core/from-rules.ts). Pure.
 */
import { fromRules, inboundRules } from '../policies/core/from-rules.js';
import type { MatchedPolicy } from '../policies/core/match.js';
import type { InboundContext, TrafficPermissionRules } from '../xds/generate/proxy-context.js';

export const TRAFFIC_PERMISSION = 'MeshTrafficPermission';

const NO_RULES: TrafficPermissionRules = Object.freeze({ fromRules: [], inboundRules: [] });

/** One entry per inbound, in the order given. */
export function trafficPermissionsOf(inbounds: readonly InboundContext[], matched: readonly MatchedPolicy[]): TrafficPermissionRules[] {
  if (matched.length === 0) return inbounds.map(() => NO_RULES);
  return inbounds.map((_, i) => ({ fromRules: fromRules(matched, i), inboundRules: inboundRules(matched, i) }));
}
