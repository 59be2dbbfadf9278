/**
 * The policy plugins: put in the order of their kinds (KUMA-COMPAT.md:
 * MeshHTTPRoute 100 ... MeshProxyPatch 9999; the composition root does it
 * once, cp/catalogue.ts), then applied to a proxy's base resources one after
 * the other.
 *
 *   base resources ─► plugin of order 100 ─► ... ─► order 9999 ─► resources to encode
 *
 * A plugin runs only for a proxy some policy of its kind selects, unless it
 * says it applies without any (`appliesWithoutPolicies`): for a kind whose
 * absence means something, as no MeshTrafficPermission under mTLS means no
 * caller may. Then it gets an empty `matched`.
 */
import type { PolicyPlugin, PolicyModule } from '../../policies/core/index.js';
import type { ProxyContext, ProxyResources } from '../generate/index.js';

/** The plugins of these policy modules, lowest kind order first; kinds without a plugin are left out. */
export function pluginsInOrder(modules: readonly PolicyModule[]): PolicyPlugin[] {
  return [...modules]
    .sort((a, b) => a.kind.policy.order - b.kind.policy.order)
    .flatMap((module) => (module.plugin ? [module.plugin] : []));
}

const NOTHING_MATCHED = Object.freeze([]);

/** Applies `plugins` in the order given, each to what the one before returned. */
export function applyPolicies(
  resources: ProxyResources,
  proxy: ProxyContext,
  plugins: readonly PolicyPlugin[],
  warn: (message: string) => void,
): ProxyResources {
  let current = resources;
  for (const plugin of plugins) {
    const matched = proxy.policies?.get(plugin.kind) ?? NOTHING_MATCHED;
    if (matched.length === 0 && !plugin.appliesWithoutPolicies) continue;
    current = plugin.apply(current, { proxy, matched, warn: (message) => warn(`${plugin.kind}: ${message}`) });
  }
  return current;
}
