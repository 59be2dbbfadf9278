/**
 * The policies of one kind that configure a proxy, in priority order:
 *
 *   policies of a kind ──► same mesh, not shadow ──► role and origin reach the
 *   proxy (role-scope.ts) ──► top-level targetRef selects the proxy
 *   (selection.ts) ──► sorted lowest priority first (specificity.ts)
 *
 * Each match carries the inbounds it selected, which `from` and `rules`
 * resolution (from-rules.ts) needs; `to` resolution (to-rules.ts) and
 * top-level `default`s apply to the proxy as a whole.
 */
import type { Resource } from '../../api/index.js';
import type { MatchedPolicy } from '../../xds/generate/index.js';
import { mergeConfs } from './merge.js';
import { isShadow, topLevelTargetRef } from './policy-spec.js';
import { roleAdmits } from './role-scope.js';
import { selectProxy, type ProxyDescription } from './selection.js';
import { comparePolicies } from './specificity.js';

/** Defined with the proxy context that carries it, which base generators read without knowing policies. */
export type { MatchedPolicy };

/**
 * The policies among `policies` (all of one kind) that apply to `proxy`,
 * lowest priority first, so merging them in order lets the most specific win.
 * A policy labelled `kuma.io/effect: shadow` is left out: it does not reach live config.
 */
export function policiesForProxy(proxy: ProxyDescription, policies: readonly Resource[]): MatchedPolicy[] {
  return selectInOrder(proxy, sortByPriority(policies));
}

/** Policies lowest priority first: sort a kind once per change, then select per proxy in order. */
export const sortByPriority = (policies: readonly Resource[]): Resource[] => [...policies].sort(comparePolicies);

/**
 * `policiesForProxy` for policies already sorted by `sortByPriority`: a filter, no sort per proxy.
 * `includeShadow` keeps shadow policies too: what the configuration would be once they take effect.
 */
export function selectInOrder(
  proxy: ProxyDescription,
  sorted: readonly Resource[],
  includeShadow = false,
): MatchedPolicy[] {
  const matched: MatchedPolicy[] = [];
  for (const policy of sorted) {
    if (policy.mesh !== proxy.mesh || (!includeShadow && isShadow(policy)) || !roleAdmits(policy, proxy.labels))
      continue;
    const selection = selectProxy(topLevelTargetRef(policy), proxy);
    if (selection)
      matched.push(
        selection.routes === undefined
          ? { policy, inbounds: selection.inbounds }
          : { policy, inbounds: selection.inbounds, routes: selection.routes },
      );
  }
  return matched;
}

/**
 * The resolved top-level `default` (MeshTrace, MeshMetric, MeshPassthrough,
 * MeshProxyPatch): the matched policies' defaults merged in priority order.
 */
export function resolveTopLevelDefault(matched: readonly MatchedPolicy[]): unknown {
  return mergeConfs(matched.map((match) => match.policy.spec['default']));
}
