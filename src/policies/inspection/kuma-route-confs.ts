/**
 * What `to[]` entries of a kind merge to, as Kuma's `_rules` prints it: a
 * list, because MeshHTTPRoute entries merge per host name.
 *
 *   MeshHTTPRoute  entries grouped by `hostnames` (each host its own group, none
 *                  the group ""), in the order groups first appear; per group
 *                  the rules merged per `matches`, the higher-priority entry's
 *                  rules first (Gateway API's "first rule wins" reading order)
 *   MeshTCPRoute   the rules of the highest-priority entry
 *   other kinds    the `default`s merged
 *
 * Inspection only: the Envoy routes are built from policies/meshhttproute,
 * which orders routes by specificity, so this order never reaches a proxy.
 */
import { mergeConfs } from '../core/index.js';
import { kumaConf, kumaRouteConf } from './kuma-conf.js';

/** A `to[]` entry as merging reads it. */
export interface ToEntryShape {
  readonly default?: unknown;
  readonly hostnames?: readonly string[];
  readonly rules?: readonly { readonly matches?: unknown; readonly default?: unknown }[];
}

interface MergedRule {
  readonly matches: unknown;
  readonly defaults: unknown[];
}

/** One host group's rules: Kuma lays out each entry's rules reversed, merges per `matches` where it last appears, then reverses. */
function groupRules(kind: string, entries: readonly ToEntryShape[]) {
  const merged: (MergedRule | undefined)[] = [];
  for (const rule of entries.flatMap((entry) => [...(entry.rules ?? [])].reverse())) {
    const key = JSON.stringify(rule.matches);
    const earlier = merged.findIndex((m) => m !== undefined && JSON.stringify(m.matches) === key);
    const defaults = earlier === -1 ? [] : merged[earlier]!.defaults;
    if (earlier !== -1) merged[earlier] = undefined;
    merged.push({ matches: rule.matches, defaults: [...defaults, rule.default] });
  }
  return merged
    .filter((rule): rule is MergedRule => rule !== undefined)
    .reverse()
    .map((rule) => ({ matches: rule.matches, default: kumaRouteConf(kind, mergeConfs(rule.defaults)) }));
}

function httpRouteConfs(kind: string, entries: readonly ToEntryShape[]): unknown[] {
  const groups = new Map<string, ToEntryShape[]>();
  for (const entry of entries) {
    const hosts = entry.hostnames !== undefined && entry.hostnames.length > 0 ? entry.hostnames : [''];
    for (const host of hosts) groups.set(host, [...(groups.get(host) ?? []), entry]);
  }
  return [...groups].map(([host, group]) => ({
    rules: groupRules(kind, group),
    ...(host === '' ? {} : { hostnames: [host] }),
  }));
}

/** The confs `entries` (lowest priority first) merge to. */
export function kumaToConfs(kind: string, entries: readonly ToEntryShape[]): unknown[] {
  if (kind === 'MeshHTTPRoute') return httpRouteConfs(kind, entries);
  if (kind === 'MeshTCPRoute') {
    const winner = entries[entries.length - 1];
    return [{ rules: (winner?.rules ?? []).map((rule) => ({ default: kumaRouteConf(kind, rule.default) })) }];
  }
  return [kumaConf(kind, 'to', mergeConfs(entries.map((entry) => entry.default)))];
}
