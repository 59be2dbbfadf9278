/**
 * Which hash policies a resolved conf puts on the destination's routes: those
 * of its consistent-hash load balancer (RingHash, Maglev), or else the
 * conf's own `hashPolicies`. Other load balancers hash nothing, so they get none.
 */
import type { HashPolicy, MeshLoadBalancingStrategyConf } from './schema.js';

export function hashPoliciesOf(conf: MeshLoadBalancingStrategyConf): readonly HashPolicy[] {
  const lb = conf.loadBalancer;
  if (lb?.type === 'RingHash') return lb.ringHash?.hashPolicies ?? conf.hashPolicies ?? [];
  if (lb?.type === 'Maglev') return lb.maglev?.hashPolicies ?? conf.hashPolicies ?? [];
  return [];
}
