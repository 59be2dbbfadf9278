/**
 * The HTTP routes a proxy gets for one destination, from the MeshHTTPRoutes
 * that select it (KUMA-COMPAT.md "MeshHTTPRoute rules, which merge per
 * matches key"):
 *
 *   to[] entries covering the destination, lowest priority first (core/to-rules.ts)
 *     ─► their rules, grouped by `matches` (the same list, as JSON)
 *     ─► each group's `default`s merged as a JSON merge patch, higher priority last
 *     ─► one route per match of a rule (a rule's matches are alternatives)
 *     ─► sorted most specific first (route-order.ts)
 */
import { type MatchedPolicy, mergeConfs, toEntriesFor, type Destination } from '../core/index.js';
import { compareRouteSpecificity } from './route-order.js';
import type { HttpMatch, MeshHTTPRouteConf } from './schema.js';

/** One route: one match and what to do with matching requests. */
export interface HttpRouteRule {
  readonly match: HttpMatch;
  /** The rule's merged conf (every match of the rule shares it). */
  readonly conf: MeshHTTPRouteConf;
  /** Names of the MeshHTTPRoutes whose rules merged into this one, lowest priority first. */
  readonly policies: readonly string[];
}

interface RuleShape {
  readonly matches: readonly HttpMatch[];
  readonly default?: MeshHTTPRouteConf;
}

/** The rules of the MeshHTTPRoutes covering a destination, those with the same `matches` merged. */
export interface MergedHttpRule {
  readonly matches: readonly HttpMatch[];
  /** The `default`s merged, lowest priority first. */
  readonly conf: MeshHTTPRouteConf;
  /** Names of the MeshHTTPRoutes whose rules merged into this one, lowest priority first. */
  readonly policies: readonly string[];
}

/** The destination's rules grouped by `matches`, in the order each group first appears. */
export function mergedHttpRules(matched: readonly MatchedPolicy[], destination: Destination): MergedHttpRule[] {
  const byMatches = new Map<string, { matches: readonly HttpMatch[]; confs: unknown[]; policies: string[] }>();
  for (const { policy, entry } of toEntriesFor(matched, destination)) {
    const rules = (entry as { rules?: readonly RuleShape[] }).rules ?? [];
    for (const rule of rules) {
      const key = JSON.stringify(rule.matches);
      let merged = byMatches.get(key);
      if (merged === undefined) {
        merged = { matches: rule.matches, confs: [], policies: [] };
        byMatches.set(key, merged);
      }
      merged.confs.push(rule.default);
      if (!merged.policies.includes(policy.name)) merged.policies.push(policy.name);
    }
  }
  return [...byMatches.values()].map(({ matches, confs, policies }) => ({
    matches,
    conf: (mergeConfs(confs) ?? {}) as MeshHTTPRouteConf,
    policies,
  }));
}

/** The destination's routes, most specific first; empty when no MeshHTTPRoute covers it. */
export function httpRouteRulesFor(matched: readonly MatchedPolicy[], destination: Destination): HttpRouteRule[] {
  const routes: HttpRouteRule[] = [];
  for (const { matches, conf, policies } of mergedHttpRules(matched, destination))
    for (const match of matches) routes.push({ match, conf, policies });
  // A stable sort: equally specific routes keep the order their rules first appeared in.
  return routes.sort((a, b) => compareRouteSpecificity(a.match, b.match));
}
