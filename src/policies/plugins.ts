/**
 * The policy plugins, applied to every proxy in the order of their kinds
 * (KUMA-COMPAT.md: MeshHTTPRoute 100 ... MeshProxyPatch 9999). A kind with no
 * plugin here is accepted and stored but changes no configuration yet.
 */
import type { PolicyPlugin } from './core/plugin.js';
import { policyKinds } from './index.js';
import { meshTimeoutPlugin } from './meshtimeout/plugin.js';
import { meshRetryPlugin } from './meshretry/plugin.js';
import { meshHttpRoutePlugin } from './meshhttproute/plugin.js';
import { meshTcpRoutePlugin } from './meshtcproute/plugin.js';
import { meshCircuitBreakerPlugin } from './meshcircuitbreaker/plugin.js';
import { meshHealthCheckPlugin } from './meshhealthcheck/plugin.js';
import { meshLoadBalancingStrategyPlugin } from './meshloadbalancingstrategy/plugin.js';
import { meshFaultInjectionPlugin } from './meshfaultinjection/plugin.js';
import { meshRateLimitPlugin } from './meshratelimit/plugin.js';
import { meshTLSPlugin } from './meshtls/plugin.js';
import { meshTrafficPermissionPlugin } from './meshtrafficpermission/plugin.js';
import { meshProxyPatchPlugin } from './meshproxypatch/plugin.js';

const plugins: readonly PolicyPlugin[] = [
  meshTimeoutPlugin,
  meshRetryPlugin,
  meshHttpRoutePlugin,
  meshTcpRoutePlugin,
  meshProxyPatchPlugin,
  meshCircuitBreakerPlugin,
  meshHealthCheckPlugin,
  meshLoadBalancingStrategyPlugin,
  meshFaultInjectionPlugin,
  meshRateLimitPlugin,
  meshTLSPlugin,
  meshTrafficPermissionPlugin,
];

const orderOf = (kind: string): number => {
  const descriptor = policyKinds.find((k) => k.name === kind);
  if (!descriptor?.policy) throw new Error(`policy plugin for unknown kind ${kind}`);
  return descriptor.policy.order;
};

/** Every plugin, in the order it applies. */
export const policyPlugins: readonly PolicyPlugin[] = [...plugins].sort((a, b) => orderOf(a.kind) - orderOf(b.kind));
