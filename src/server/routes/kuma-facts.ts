/**
 * What Kuma's discovery endpoints say of each kind beyond the kind
 * descriptor, keyed by kind name so that a kind added later needs no edit
 * elsewhere: whether a global control plane federates it to zones, and for
 * policies which side of a proxy they act on and whether `from` is read as
 * rules.
 */

/** Kinds Kuma does not federate from a global control plane (zone-made, or insights). */
const NOT_FEDERATED = new Set([
  'Dataplane',
  'DataplaneInsight',
  'MeshInsight',
  'MeshService',
  'MeshZoneAddress',
  'ServiceInsight',
  'Workload',
  'Zone',
  'ZoneEgress',
  'ZoneEgressInsight',
  'ZoneIngress',
  'ZoneIngressInsight',
  'ZoneInsight',
]);

export const includeInFederation = (kind: string): boolean => !NOT_FEDERATED.has(kind);

interface PolicySides {
  readonly isInbound: boolean;
  readonly isOutbound: boolean;
  readonly isFromAsRules: boolean;
}

const both = { isInbound: true, isOutbound: true };
const outbound = { isInbound: false, isOutbound: true };
const inbound = { isInbound: true, isOutbound: false };
const neither = { isInbound: false, isOutbound: false };

const POLICY_SIDES: Readonly<Record<string, PolicySides>> = {
  MeshAccessLog: { ...both, isFromAsRules: true },
  MeshCircuitBreaker: { ...both, isFromAsRules: true },
  MeshFaultInjection: { ...both, isFromAsRules: false },
  MeshHTTPRoute: { ...outbound, isFromAsRules: false },
  MeshHealthCheck: { ...outbound, isFromAsRules: false },
  MeshLoadBalancingStrategy: { ...outbound, isFromAsRules: false },
  MeshMetric: { ...neither, isFromAsRules: false },
  MeshPassthrough: { ...neither, isFromAsRules: false },
  MeshProxyPatch: { ...neither, isFromAsRules: false },
  MeshRateLimit: { ...both, isFromAsRules: true },
  MeshRetry: { ...outbound, isFromAsRules: false },
  MeshTCPRoute: { ...outbound, isFromAsRules: false },
  MeshTLS: { ...inbound, isFromAsRules: true },
  MeshTimeout: { ...both, isFromAsRules: true },
  MeshTrace: { ...neither, isFromAsRules: false },
  MeshTrafficPermission: { ...inbound, isFromAsRules: false },
};

export const policySides = (kind: string): PolicySides => POLICY_SIDES[kind] ?? { ...neither, isFromAsRules: false };
