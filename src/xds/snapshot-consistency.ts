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

/** Every reference of the snapshot that does not resolve within it, listeners' first, then route configurations', then clusters'; empty when the snapshot is consistent. */
export function snapshotProblems(snapshot: Pick<Snapshot, 'resources'>): string[] {
  const problems: string[] = [];
  for (const holderType of REFERRING) {
    for (const holder of snapshot.resources.get(holderType)?.values() ?? []) {
      for (const reference of referencesOf(holder)) {
        if (snapshot.resources.get(reference.typeUrl)?.has(reference.name) !== true)
          problems.push(problemOf(holderType, holder.name, reference));
      }
    }
  }
  return problems;
}
