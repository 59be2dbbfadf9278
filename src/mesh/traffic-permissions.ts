/**
 * Which MeshTrafficPermission rules apply to each inbound of a dataplane:
 * the policies selecting the proxy (targetRef), sorted by priority, resolved
 * per inbound into source rules (policies/core). Pure.
 */
import type { Resource } from '../api/resource.js';
import { fromRules, inboundRules } from '../policies/core/from-rules.js';
import { policiesForProxy } from '../policies/core/match.js';
import type { ProxyDescription } from '../policies/core/selection.js';
import type { InboundContext, TrafficPermissionRules } from '../xds/generate/proxy-context.js';
import type { DataplaneModel } from './dataplane-model.js';

const NO_RULES: TrafficPermissionRules = Object.freeze({ fromRules: [], inboundRules: [] });

/** One entry per inbound, in the order given. */
export function trafficPermissionsOf(model: DataplaneModel, inbounds: readonly InboundContext[], policies: readonly Resource[]): TrafficPermissionRules[] {
  if (policies.length === 0) return inbounds.map(() => NO_RULES);
  const proxy: ProxyDescription = {
    name: model.name,
    mesh: model.mesh,
    labels: model.labels,
    kind: 'Sidecar',
    inbounds: inbounds.map((inbound) => ({ tags: inbound.tags, port: inbound.port, ...(inbound.name === undefined ? {} : { name: inbound.name }) })),
  };
  const matched = policiesForProxy(proxy, policies);
  if (matched.length === 0) return inbounds.map(() => NO_RULES);
  return inbounds.map((_, i) => ({ fromRules: fromRules(matched, i), inboundRules: inboundRules(matched, i) }));
}
