/**
 * `toRules` of Kuma's `_rules`: the service-tag view of the `to[]` entries
 * covering a proxy, as tag subsets (kuma-subsets.ts), in the matched
 * policies' priority order:
 *
 *   Mesh / MeshSubset / MeshService / MeshServiceSubset entry  its tags (a
 *       MeshService by labels: the service "")
 *   policy whose top-level targetRef is a MeshHTTPRoute       per rule of that
 *       route, its entries again, on `__rule-matches-hash__` = the rule's hash
 *       (and the route entry's service, unless it names the whole mesh)
 *   policy with a `to[]` entry naming a MeshHTTPRoute          left out
 *
 * A mesh whose MeshServices are Exclusive has none: there, destinations are
 * resources (`toResourceRules`), not service tags.
 */
import type { Labels, Resource } from '../../api/index.js';
import { toEntries, topLevelTargetRef, type MatchedPolicy } from '../core/index.js';
import { kumaToConfs, type ToEntryShape } from './kuma-route-confs.js';
import { subsetRules, type Subset, type Tag } from './kuma-subsets.js';

const SERVICE_TAG = 'kuma.io/service';
/** The tag Kuma gives a MeshHTTPRoute rule's traffic: the hash of its `matches`. */
export const RULE_MATCHES_HASH_TAG = '__rule-matches-hash__';
const SUBSET_KINDS: ReadonlySet<string> = new Set(['Mesh', 'MeshSubset', 'MeshService', 'MeshServiceSubset']);

interface Item {
  readonly policy: Resource;
  readonly entry: ToEntryShape;
  readonly subset: Subset;
}

interface RefShape {
  readonly kind: string;
  readonly name?: string;
  readonly tags?: Labels;
}

const tag = (key: string, value: string): Tag => ({ key, value, not: false });
const tagsOf = (tags: Labels | undefined): Tag[] => Object.entries(tags ?? {}).map(([k, v]) => tag(k, v));

function subsetOf(ref: RefShape): Subset {
  switch (ref.kind) {
    case 'MeshSubset':
      return tagsOf(ref.tags);
    case 'MeshService':
      return [tag(SERVICE_TAG, ref.name ?? '')];
    case 'MeshServiceSubset':
      return [tag(SERVICE_TAG, ref.name ?? ''), ...tagsOf(ref.tags)];
    default:
      return [];
  }
}

interface RouteToShape {
  readonly targetRef: RefShape;
  readonly rules?: readonly { readonly matches?: unknown }[];
}

/** A route-scoped policy's entries, once per rule of the routes it names, on that rule's traffic. */
function routeItems(policy: Resource, routes: readonly Resource[], hashOf: (matches: unknown) => string): Item[] {
  const entries = toEntries(policy) as readonly (ToEntryShape & { targetRef: RefShape })[];
  return routes.flatMap(
    (route) =>
      (route.spec['to'] as readonly RouteToShape[] | undefined)?.flatMap((routeTo) =>
        (routeTo.rules ?? []).flatMap((rule) => {
          const hash = tag(RULE_MATCHES_HASH_TAG, hashOf(rule.matches));
          const wholeMesh = routeTo.targetRef.kind === 'Mesh' || routeTo.targetRef.kind === 'MeshSubset';
          const subset = wholeMesh ? [hash] : [tag(SERVICE_TAG, routeTo.targetRef.name ?? ''), hash];
          return entries.map((entry) => ({ policy, entry, subset }));
        }),
      ) ?? [],
  );
}

function itemsOf(
  matched: readonly MatchedPolicy[],
  routesByName: ReadonlyMap<string, Resource>,
  hashOf: (matches: unknown) => string,
): Item[] {
  return matched.flatMap(({ policy, routes }) => {
    const entries = toEntries(policy) as readonly (ToEntryShape & { targetRef: RefShape })[];
    if (entries.some((entry) => entry.targetRef.kind === 'MeshHTTPRoute')) return [];
    if (topLevelTargetRef(policy).kind === 'MeshHTTPRoute') {
      const named = (routes ?? []).flatMap((name) => routesByName.get(name) ?? []);
      return routeItems(policy, named, hashOf);
    }
    return entries
      .filter((entry) => SUBSET_KINDS.has(entry.targetRef.kind))
      .map((entry) => ({ policy, entry, subset: subsetOf(entry.targetRef) }));
  });
}

export interface KumaToRule {
  readonly conf: unknown;
  readonly matchers: readonly Tag[];
  readonly policies: readonly Resource[];
}

/**
 * The rules, most specific first. `routesByName`: the MeshHTTPRoutes selecting
 * the proxy, which route-scoped policies name; `hashOf`: Kuma's hash of a `matches` list.
 */
export function kumaToRules(
  kind: string,
  matched: readonly MatchedPolicy[],
  routesByName: ReadonlyMap<string, Resource>,
  hashOf: (matches: unknown) => string,
): KumaToRule[] {
  const rules = subsetRules(itemsOf(matched, routesByName, hashOf), (item) => item.subset);
  return rules.flatMap(({ subset, items }) => {
    const policies = [...new Set(items.map((item) => item.policy))];
    return kumaToConfs(
      kind,
      items.map((item) => item.entry),
    ).map((conf) => ({ conf, matchers: subset, policies }));
  });
}
