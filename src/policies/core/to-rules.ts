/**
 * Resolving `to[]` sections for one real destination of a proxy's outbound
 * traffic. Every `to[]` entry of the matched policies whose targetRef covers
 * the destination takes part; their `default`s merge lowest priority first:
 *
 *   policy attributes (kind, Dataplane rank, origin, role: specificity.ts)
 *     ► destination kind of the entry: Mesh < MeshService < MeshService with
 *       sectionName < MeshExternalService < MeshMultiZoneService
 *       ► policy display name (inverted) ► position in `to[]`
 *
 * The destination kind comes before the name, as in Kuma: between two policies
 * that differ only in name, the one naming the destination beats the one
 * naming the whole mesh, whatever the names. A sectionName makes any entry
 * more specific than one of the same kind without.
 */
import type { Labels, Resource } from '../../api/index.js';
import type { MatchedPolicy } from './match.js';
import { mergeConfs } from './merge.js';
import { toEntries, type TargetedEntry } from './policy-spec.js';
import { sectionNamed } from './section-name.js';
import { compareByAttributes, compareByDisplayName, kindRank } from './specificity.js';
import { selectorMatches } from './tag-selector.js';
import { routeMatches, type RouteIdentity } from './selection.js';
import type { TargetRef } from './targetref.js';

export type DestinationKind = 'MeshService' | 'MeshExternalService' | 'MeshMultiZoneService';

/** One real destination: a service (one of its ports, when known). */
export interface Destination {
  readonly kind: DestinationKind;
  /** Its name: the `kuma.io/service` value or the MeshService name; the MeshExternalService or MeshMultiZoneService name. */
  readonly service: string;
  /** The destination resource's labels, for entries that select by labels. */
  readonly labels?: Labels | undefined;
  /** The port's name, when it has one. */
  readonly sectionName?: string | undefined;
  readonly port?: number | undefined;
}

/** A `to[]` entry that covers the destination, with where it came from. */
export interface MatchedToEntry {
  readonly policy: Resource;
  /** Position in the policy's `to[]`. */
  readonly index: number;
  readonly entry: TargetedEntry;
}

export interface ResolvedTo {
  /** The merged `default`; undefined when no entry covers the destination. */
  readonly conf: unknown;
  /** The entries merged, lowest priority first (for inspection and for kinds that merge their own way). */
  readonly entries: readonly MatchedToEntry[];
}

/** Whether a `to[]` targetRef covers the destination. */
export function toTargetRefCovers(ref: TargetRef, destination: Destination): boolean {
  if (ref.kind === 'Mesh') return true;
  if (ref.kind !== destination.kind) return false;
  if (ref.name !== undefined && ref.name !== destination.service) return false;
  if (
    ref.labels !== undefined &&
    (destination.labels === undefined || !selectorMatches(ref.labels, destination.labels))
  )
    return false;
  if (ref.name === undefined && ref.labels === undefined) return false;
  return (
    ref.sectionName === undefined ||
    sectionNamed(ref.sectionName, { name: destination.sectionName, port: destination.port })
  );
}

/** How specific a `to[]` destination is: by kind, and a sectionName ranks above the same kind without. */
export const toEntryRank = (ref: TargetRef): number => kindRank(ref.kind) * 2 + (ref.sectionName !== undefined ? 1 : 0);

function compareToEntries(a: MatchedToEntry, b: MatchedToEntry): number {
  return (
    compareByAttributes(a.policy, b.policy) ||
    toEntryRank(a.entry.targetRef) - toEntryRank(b.entry.targetRef) ||
    compareByDisplayName(a.policy, b.policy) ||
    a.index - b.index
  );
}

/**
 * The `to[]` entries of the matched policies that cover the destination, lowest
 * priority first. Policies that target a MeshHTTPRoute at the top level take
 * no part: they configure their route's traffic only (`resolveToRoute`).
 */
export function toEntriesFor(matched: readonly MatchedPolicy[], destination: Destination): MatchedToEntry[] {
  const entries: MatchedToEntry[] = [];
  for (const { policy, routes } of matched) {
    if (routes !== undefined) continue;
    toEntries(policy).forEach((entry, index) => {
      if (toTargetRefCovers(entry.targetRef, destination)) entries.push({ policy, index, entry });
    });
  }
  return entries.sort(compareToEntries);
}

/** Whether a `to[]` entry naming a MeshHTTPRoute names one of these routes. */
const entryNamesRoute = (entry: TargetedEntry, routes: readonly RouteIdentity[]): boolean =>
  entry.targetRef.kind === 'MeshHTTPRoute' && routes.some((route) => routeMatches(entry.targetRef, route));

const namesRoute = (named: readonly string[], routes: readonly RouteIdentity[]): boolean =>
  routes.some((route) => named.includes(route.name));

/**
 * The `to[]` entries for traffic a route sends to the destination: the
 * destination's own entries, the entries naming one of `routes` (the
 * MeshHTTPRoutes the route came from) in `to[]`, and every entry of policies
 * whose top-level targetRef names one of them. Those rank above the rest
 * (MeshHTTPRoute is the most specific kind, at the top level and in `to[]`),
 * so what is set for one route overrides what the destination gets.
 */
export function toEntriesForRoute(
  matched: readonly MatchedPolicy[],
  destination: Destination,
  routes: readonly RouteIdentity[],
): MatchedToEntry[] {
  const entries = toEntriesFor(matched, destination);
  for (const { policy, routes: named } of matched) {
    if (named !== undefined && !namesRoute(named, routes)) continue;
    toEntries(policy).forEach((entry, index) => {
      const covers =
        named !== undefined ? toTargetRefCovers(entry.targetRef, destination) : entryNamesRoute(entry, routes);
      if (covers) entries.push({ policy, index, entry });
    });
  }
  return entries.sort(compareToEntries);
}

/** Whether some matched policy configures one of these MeshHTTPRoutes: only then can a route's configuration differ from its destination's. */
export const targetsRoutes = (matched: readonly MatchedPolicy[], routes: readonly RouteIdentity[]): boolean =>
  matched.some((m) =>
    m.routes !== undefined
      ? namesRoute(m.routes, routes)
      : toEntries(m.policy).some((entry) => entryNamesRoute(entry, routes)),
  );

const resolved = new WeakMap<readonly MatchedPolicy[], Map<string, ResolvedTo>>();

/**
 * The configuration the matched policies give traffic to this destination.
 * Remembered per matched list object and destination: a mesh's index hands
 * every proxy selected by the same policies the same list (mesh-policies.ts),
 * so a thousand proxies resolve a destination once. The result is shared:
 * read it, never change it. With `routes`, the traffic of one route
 * (`resolveToRoute`); routes are part of the key with their labels, which
 * entries may select them by.
 */
export function resolveTo(
  matched: readonly MatchedPolicy[],
  destination: Destination,
  routes?: readonly RouteIdentity[],
): ResolvedTo {
  let byDestination = resolved.get(matched);
  if (byDestination === undefined) {
    byDestination = new Map();
    resolved.set(matched, byDestination);
  }
  const key = JSON.stringify([
    destination.kind,
    destination.service,
    destination.sectionName ?? null,
    destination.port ?? null,
    destination.labels ?? null,
    routes ?? null,
  ]);
  let result = byDestination.get(key);
  if (result === undefined) {
    const entries =
      routes === undefined ? toEntriesFor(matched, destination) : toEntriesForRoute(matched, destination, routes);
    result = { conf: mergeConfs(entries.map(({ entry }) => entry.default)), entries };
    byDestination.set(key, result);
  }
  return result;
}

/**
 * The configuration for the traffic one route sends to the destination: the
 * destination's, overridden by what names one of `routes` (the MeshHTTPRoutes
 * the route came from, as named in the Envoy Route's name). Shared and
 * remembered like `resolveTo`.
 */
export const resolveToRoute = (
  matched: readonly MatchedPolicy[],
  destination: Destination,
  routes: readonly RouteIdentity[],
): ResolvedTo =>
  resolveTo(
    matched,
    destination,
    [...routes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  );

/**
 * A service the proxy sends to, as `to[]` entries are matched against it:
 * with the port section its endpoints share (proxy-context.ts), so an entry
 * with a sectionName covers it when the name or port is that one, and the
 * labels of its MeshService resource, for entries that select by labels.
 */
export function serviceDestination(
  proxy: { readonly destinations: ReadonlyMap<string, DestinationFacts> },
  service: string,
): Destination {
  const facts = proxy.destinations.get(service);
  const section = facts?.section;
  return {
    kind: 'MeshService',
    service,
    ...(facts?.labels === undefined ? {} : { labels: facts.labels }),
    ...(section?.name === undefined ? {} : { sectionName: section.name }),
    ...(section?.port === undefined ? {} : { port: section.port }),
  };
}

/** What a proxy knows of a destination service beyond its name (xds/generate/proxy-context.ts DestinationContext). */
interface DestinationFacts {
  readonly section?: { readonly name?: string; readonly port?: number };
  readonly labels?: Labels;
}
