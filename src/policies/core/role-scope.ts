/**
 * Where a policy may reach, by its role and origin (Kuma's producer/consumer
 * model), before its targetRef is even read:
 *
 *   consumer, workload-owner  only proxies in the policy's own namespace
 *                             (`k8s.kuma.io/namespace`); without that label, none
 *   producer                  every zone
 *   system (or no role)       a policy that a zone created (origin zone, with
 *                             `kuma.io/zone`) reaches that zone's proxies and
 *                             those that did not come from another zone
 *
 * A proxy without an origin label, or of global origin, counts as everyone's.
 */
import type { Labels, Resource } from '../../api/index.js';
import { ORIGIN_LABEL, POLICY_ROLE_LABEL } from './specificity.js';

export const NAMESPACE_LABEL = 'k8s.kuma.io/namespace';
export const ZONE_LABEL = 'kuma.io/zone';

const NAMESPACED_ROLES: ReadonlySet<string> = new Set(['consumer', 'workload-owner']);

/** Whether the policy's role and origin let it reach a proxy with these labels. */
export function roleAdmits(policy: Pick<Resource, 'labels'>, proxyLabels: Labels): boolean {
  const role = policy.labels[POLICY_ROLE_LABEL];
  if (role !== undefined && NAMESPACED_ROLES.has(role)) {
    const namespace = policy.labels[NAMESPACE_LABEL];
    if (namespace === undefined || proxyLabels[NAMESPACE_LABEL] !== namespace) return false;
  }
  return role === 'producer' || zoneAdmits(policy.labels, proxyLabels);
}

function zoneAdmits(policyLabels: Labels, proxyLabels: Labels): boolean {
  const proxyOrigin = proxyLabels[ORIGIN_LABEL];
  if (proxyOrigin === undefined || proxyOrigin === 'global') return true;
  const zone = policyLabels[ZONE_LABEL];
  if (policyLabels[ORIGIN_LABEL] !== 'zone' || zone === undefined) return true;
  // A zone resource without a zone label was created before the label existed: it is local.
  if (proxyOrigin !== 'zone') return false;
  return proxyLabels[ZONE_LABEL] === undefined || proxyLabels[ZONE_LABEL] === zone;
}
