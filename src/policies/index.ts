/**
 * The policy registry: one line per policy kind. The order each plugin applies
 * in is part of the kind (`definePolicy({order})`).
 */
import type { KindDescriptor } from '../api/kind.js';
import { coreKinds, KindRegistry } from '../api/index.js';
import { MeshHTTPRouteKind } from './meshhttproute/schema.js';
import { MeshTCPRouteKind } from './meshtcproute/schema.js';
import { MeshTLSKind } from './meshtls/schema.js';
import { MeshLoadBalancingStrategyKind } from './meshloadbalancingstrategy/schema.js';
import { MeshPassthroughKind } from './meshpassthrough/schema.js';
import { MeshAccessLogKind } from './meshaccesslog/schema.js';
import { MeshTraceKind } from './meshtrace/schema.js';
import { MeshFaultInjectionKind } from './meshfaultinjection/schema.js';
import { MeshRateLimitKind } from './meshratelimit/schema.js';
import { MeshTimeoutKind } from './meshtimeout/schema.js';
import { MeshTrafficPermissionKind } from './meshtrafficpermission/schema.js';
import { MeshHealthCheckKind } from './meshhealthcheck/schema.js';
import { MeshCircuitBreakerKind } from './meshcircuitbreaker/schema.js';
import { MeshRetryKind } from './meshretry/schema.js';
import { MeshMetricKind } from './meshmetric/schema.js';
import { MeshProxyPatchKind } from './meshproxypatch/schema.js';

export const policyKinds: readonly KindDescriptor[] = [
  MeshHTTPRouteKind,
  MeshTCPRouteKind,
  MeshTLSKind,
  MeshLoadBalancingStrategyKind,
  MeshPassthroughKind,
  MeshAccessLogKind,
  MeshTraceKind,
  MeshFaultInjectionKind,
  MeshRateLimitKind,
  MeshTimeoutKind,
  MeshTrafficPermissionKind,
  MeshHealthCheckKind,
  MeshCircuitBreakerKind,
  MeshRetryKind,
  MeshMetricKind,
  MeshProxyPatchKind,
];

/** Every kind this control plane serves: the model's own and the policies. */
export const kindRegistry = new KindRegistry([...coreKinds, ...policyKinds]);

export { definePolicy, checkPolicyTargetRefs } from './core/define-policy.js';
export { TargetRef, TARGET_REF_KINDS, TOP_LEVEL_KINDS, TO_KINDS, FROM_KINDS, type TargetRefKind } from './core/targetref.js';
