/**
 * Applying the policy plugins to a proxy's base resources, one after the
 * other in the order they are given (the composition root gives them in the
 * order of their kinds: cp/catalogue.ts).
 *
 *   base resources ─► plugin 1 ─► plugin 2 ─► ... ─► resources to encode
 *
 * A plugin runs only for a proxy some policy of its kind selects, unless it
 * says it applies without any (`appliesWithoutPolicies`): for a kind whose
 * absence means something, as no MeshTrafficPermission under mTLS means no
 * caller may. Then it gets an empty `matched`.
 */
import type { PolicyPlugin } from '../../policies/core/plugin.js';
import type { ProxyContext, ProxyResources } from '../generate/index.js';

const NOTHING_MATCHED = Object.freeze([]);

export function applyPolicies(resources: ProxyResources, proxy: ProxyContext, plugins: readonly PolicyPlugin[], warn: (message: string) => void): ProxyResources {
  let current = resources;
  for (const plugin of plugins) {
    const matched = proxy.policies?.get(plugin.kind) ?? NOTHING_MATCHED;
    if (matched.length === 0 && !plugin.appliesWithoutPolicies) continue;
    current = plugin.apply(current, { proxy, matched, warn: (message) => warn(`${plugin.kind}: ${message}`) });
  }
  return current;
}
