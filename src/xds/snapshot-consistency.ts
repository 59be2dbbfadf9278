/**
 * The check of the consistency gate: whether every name one proxy's snapshot
 * refers to (resource-references.ts) is in that snapshot. A listener naming a
 * route configuration that is not there leaves Envoy waiting for it and a
 * gRPC channel failing its calls; a route to a missing cluster answers 503.
 * Each dangling reference is one problem, in words an operator can act on:
 *
 *   listener outbound:127.0.0.1:10001 names route configuration outbound:backend, which is not in the snapshot
 *
 * Pure. It reads the resources the snapshot holds, as the proxy would get
 * them: nothing is encoded again, and what is packed inside them is read from
 * their bytes, once per message object (resource-references.ts).
 */
import { referencesOf, type Reference } from './resource-references.js';
import { TypeUrl } from './resource-types.js';
import type { Snapshot } from './snapshot.js';

/** How a problem names a resource of each type. */
const KIND: Readonly<Record<TypeUrl, string>> = {
  [TypeUrl.Listener]: 'listener',
  [TypeUrl.RouteConfiguration]: 'route configuration',
  [TypeUrl.Cluster]: 'cluster',
  [TypeUrl.ClusterLoadAssignment]: 'ClusterLoadAssignment',
  [TypeUrl.Secret]: 'secret',
};

/** The types whose resources refer to others. */
const REFERRING: readonly TypeUrl[] = [TypeUrl.Listener, TypeUrl.RouteConfiguration, TypeUrl.Cluster];

const problemOf = (holderType: TypeUrl, holder: string, reference: Reference): string =>
  `${KIND[holderType]} ${holder}${reference.via === undefined ? '' : ` (${reference.via})`} ${reference.verb} ${KIND[reference.typeUrl]} ${reference.name}, which is not in the snapshot`;

/** The types whose resources are referred to. */
const REFERRED: readonly TypeUrl[] = [
  TypeUrl.RouteConfiguration,
  TypeUrl.Cluster,
  TypeUrl.ClusterLoadAssignment,
  TypeUrl.Secret,
];

/**
 * Every reference of the snapshot that does not resolve within it, listeners'
 * first, then route configurations', then clusters'; empty when the snapshot
 * is consistent.
 *
 * Given the proxy's previous snapshot, known consistent, only what changed is
 * read when no referable name went away: a resource object that did not
 * change still refers to names that are all still there. A mesh-wide change
 * usually replaces a few resources of each proxy (new endpoints, one
 * cluster), so the gate costs a few lookups per proxy instead of a walk of
 * every listener and route.
 */
export function snapshotProblems(
  snapshot: Pick<Snapshot, 'resources'>,
  consistentBefore?: Pick<Snapshot, 'resources'>,
): string[] {
  const unchanged =
    consistentBefore !== undefined && nothingRemoved(consistentBefore, snapshot) ? consistentBefore : undefined;
  const problems: string[] = [];
  for (const holderType of REFERRING) {
    const before = unchanged?.resources.get(holderType);
    for (const holder of snapshot.resources.get(holderType)?.values() ?? []) {
      if (before?.get(holder.name) === holder) continue;
      for (const reference of referencesOf(holder)) {
        if (snapshot.resources.get(reference.typeUrl)?.has(reference.name) !== true)
          problems.push(problemOf(holderType, holder.name, reference));
      }
    }
  }
  return problems;
}

/** Whether every name of a referable type in `before` is still in `after`. */
function nothingRemoved(before: Pick<Snapshot, 'resources'>, after: Pick<Snapshot, 'resources'>): boolean {
  for (const type of REFERRED) {
    const now = after.resources.get(type);
    for (const name of before.resources.get(type)?.keys() ?? []) if (now?.has(name) !== true) return false;
  }
  return true;
}
