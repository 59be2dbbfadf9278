/**
 * A policy plugin: how one policy kind changes a proxy's configuration.
 *
 *   base resources (xds/generate) ─► plugin of order 100 ─► ... ─► order 9999 ─► encode
 *   (applied by the proxy build, xds/build/policy-plugins.ts)
 *
 * A plugin is a pure function of the resources so far, the proxy and the
 * policies of its kind that select the proxy (sorted lowest priority first,
 * match.ts). It returns the resources to hand on; it never mutates what it is
 * given, because generated messages are shared between proxies
 * (xds/generate/shared.ts): it replaces a message with an edited copy
 * (an edit declared once with `defineEdit`, which also shares the copy
 * between proxies that make the same edit with the same parameters). Where a proxy cannot honour part of a policy (proxyless gRPC
 * lacks a feature) the plugin says so with `warn`, and inspection shows it.
 */
import type { ProxyContext, ProxyResources } from '../../xds/generate/index.js';
import type { MatchedPolicy } from './match.js';

export interface PluginContext {
  readonly proxy: ProxyContext;
  /** This kind's policies that select the proxy, lowest priority first. */
  readonly matched: readonly MatchedPolicy[];
  /** Records a part of a policy this proxy does not apply, and why; the same message twice is kept once. */
  warn(message: string): void;
}

/** `K` is the kind's name (`PolicyPlugin<'MeshTimeout'>`): a plugin registered with another kind does not compile (policy-module.ts). */
export interface PolicyPlugin<K extends string = string> {
  /** The policy kind, e.g. `MeshTimeout`. Its order comes from the kind (`definePolicy({order})`). */
  readonly kind: K;
  /**
   * Whether the plugin runs for a proxy no policy of its kind selects (with
   * `matched` empty): for a kind whose absence configures something, as no
   * MeshTrafficPermission under mesh mTLS lets no caller in.
   */
  readonly appliesWithoutPolicies?: boolean;
  apply(resources: ProxyResources, context: PluginContext): ProxyResources;
}
