/**
 * The policy registry: one line per policy kind, each its folder's module
 * (kind and plugin: core/policy-module.ts). The composition root derives the
 * kind registry and the plugin order from this list (cp/catalogue.ts); the
 * order each plugin applies in is part of its kind (`definePolicy({order})`),
 * not of its place here.
 */
import type { PolicyModule } from './core/index.js';
import { meshAccessLog } from './meshaccesslog/index.js';
import { meshCircuitBreaker } from './meshcircuitbreaker/index.js';
import { meshFaultInjection } from './meshfaultinjection/index.js';
import { meshHealthCheck } from './meshhealthcheck/index.js';
import { meshHTTPRoute } from './meshhttproute/index.js';
import { meshLoadBalancingStrategy } from './meshloadbalancingstrategy/index.js';
import { meshMetric } from './meshmetric/index.js';
import { meshPassthrough } from './meshpassthrough/index.js';
import { meshProxyPatch } from './meshproxypatch/index.js';
import { meshRateLimit } from './meshratelimit/index.js';
import { meshRetry } from './meshretry/index.js';
import { meshTCPRoute } from './meshtcproute/index.js';
import { meshTimeout } from './meshtimeout/index.js';
import { meshTLS } from './meshtls/index.js';
import { meshTrace } from './meshtrace/index.js';
import { meshTrafficPermission } from './meshtrafficpermission/index.js';

export const policies: readonly PolicyModule[] = [
  meshHTTPRoute,
  meshTCPRoute,
  meshTLS,
  meshLoadBalancingStrategy,
  meshPassthrough,
  meshAccessLog,
  meshTrace,
  meshFaultInjection,
  meshRateLimit,
  meshTimeout,
  meshTrafficPermission,
  meshHealthCheck,
  meshCircuitBreaker,
  meshRetry,
  meshMetric,
  meshProxyPatch,
];

export type { PolicyModule } from './core/index.js';
export type { PolicyPlugin, PluginContext } from './core/index.js';
export { definePolicy, checkPolicyTargetRefs } from './core/index.js';
export {
  TargetRef,
  TARGET_REF_KINDS,
  TOP_LEVEL_KINDS,
  TO_KINDS,
  FROM_KINDS,
  type TargetRefKind,
} from './core/index.js';
