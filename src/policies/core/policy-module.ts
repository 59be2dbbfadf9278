/**
 * A policy module: what one policy folder gives the rest of the control plane,
 * its kind and, when it configures proxies, its plugin. Each folder exports
 * one from its index.ts, and the policy registry (policies/index.ts) lists
 * them; the kind registry and the ordered plugin list are derived from that
 * list by the composition root (cp/catalogue.ts).
 *
 * The plugin is typed by the kind's name, so pairing a kind with another
 * kind's plugin is a compile error, not a plugin that never runs.
 */
import type { PolicyKindDescriptor } from '../../api/index.js';
import type { PolicyPlugin } from './plugin.js';

export interface PolicyModule<K extends string = string> {
  readonly kind: PolicyKindDescriptor<K>;
  /** Absent for a kind that is stored and served but configures no proxy yet. */
  readonly plugin?: PolicyPlugin<K>;
}

/** The module of a policy kind, with its plugin if it has one. */
export function policyModule<K extends string>(
  kind: PolicyKindDescriptor<K>,
  plugin?: PolicyPlugin<NoInfer<K>>,
): PolicyModule<K> {
  return plugin === undefined ? { kind } : { kind, plugin };
}
