/**
 * The priority of a policy that selects a proxy. Policies merge lowest priority
 * first, so the most specific one is applied last and wins. The key, compared
 * in this order (Kuma's "how policies are combined"):
 *
 *   1. top-level targetRef kind: Mesh < Dataplane < MeshSubset < MeshGateway <
 *      MeshService < ... < MeshHTTPRoute (TARGET_REF_KINDS)
 *   2. for Dataplane: labels < labels+sectionName < name < name+sectionName
 *   3. origin label `kuma.io/origin`: global < (none) < zone
 *   3b. for MeshGateway: fewer listener `tags` < more (policies only, not their `to[]` entries)
 *   4. role label `kuma.io/policy-role`: system (also when absent) < producer <
 *      consumer < workload-owner
 *   5. display name (label `kuma.io/display-name`, else the name) in inverted
 *      lexicographic order: "zzz" < "aaa", so the alphabetically smaller name wins
 *
 * Steps 1-4 (without 3b) and step 5 are separate comparators because `to[]`
 * entries sort by destination kind between the two (see to-rules.ts).
 */
import type { Resource } from '../../api/index.js';
import { topLevelTargetRef } from './policy-spec.js';
import { TARGET_REF_KINDS, type TargetRef, type TargetRefKind } from './targetref.js';

export const ORIGIN_LABEL = 'kuma.io/origin';
export const POLICY_ROLE_LABEL = 'kuma.io/policy-role';
export const DISPLAY_NAME_LABEL = 'kuma.io/display-name';

/** A policy with no origin label sits between the two: above global, below zone. */
const ORIGIN_RANK: Readonly<Record<string, number>> = { global: 0, zone: 2 };
const UNKNOWN_ORIGIN_RANK = 1;
/** A policy with no (or an unknown) role counts as system. */
const ROLE_RANK: Readonly<Record<string, number>> = { system: 0, producer: 1, consumer: 2, 'workload-owner': 3 };

/** How specific a targetRef kind is; higher is more specific. Unknown kinds rank lowest. */
export const kindRank = (kind: TargetRefKind): number => TARGET_REF_KINDS.indexOf(kind);

/** Step 2: labels < labels+sectionName < name < name+sectionName; 0 for every other kind. */
export function dataplaneRank(ref: TargetRef): number {
  if (ref.kind !== 'Dataplane') return 0;
  return (ref.name !== undefined ? 2 : 0) + (ref.sectionName !== undefined ? 1 : 0);
}

export const originRank = (policy: Resource): number => {
  const origin = policy.labels[ORIGIN_LABEL];
  return origin !== undefined && Object.hasOwn(ORIGIN_RANK, origin) ? ORIGIN_RANK[origin]! : UNKNOWN_ORIGIN_RANK;
};

export const roleRank = (policy: Resource): number => {
  const role = policy.labels[POLICY_ROLE_LABEL];
  return role !== undefined && Object.hasOwn(ROLE_RANK, role) ? ROLE_RANK[role]! : 0;
};

export const displayName = (policy: Resource): string => policy.labels[DISPLAY_NAME_LABEL] ?? policy.name;

/** Steps 1-4: negative when `a` has lower priority than `b`. */
export function compareByAttributes(a: Resource, b: Resource): number {
  const refA = topLevelTargetRef(a);
  const refB = topLevelTargetRef(b);
  return (
    kindRank(refA.kind) - kindRank(refB.kind) ||
    dataplaneRank(refA) - dataplaneRank(refB) ||
    originRank(a) - originRank(b) ||
    roleRank(a) - roleRank(b)
  );
}

/** Code-unit order, as Go compares strings; never locale dependent. */
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Step 5, inverted: the greater name has the lower priority. The resource name
 * breaks a tie between equal display names so the order is total.
 */
export function compareByDisplayName(a: Resource, b: Resource): number {
  return compareStrings(displayName(b), displayName(a)) || compareStrings(b.name, a.name);
}

/** Step 3b: a MeshGateway targetRef naming more listener tags is more specific; 0 for every other kind. */
export function gatewayTagsRank(ref: TargetRef): number {
  return ref.kind === 'MeshGateway' ? Object.keys(ref.tags ?? {}).length : 0;
}

/** The full order: sort with it to get the lowest priority first and the winner last. */
export function comparePolicies(a: Resource, b: Resource): number {
  const refA = topLevelTargetRef(a);
  const refB = topLevelTargetRef(b);
  return (
    kindRank(refA.kind) - kindRank(refB.kind) ||
    dataplaneRank(refA) - dataplaneRank(refB) ||
    originRank(a) - originRank(b) ||
    gatewayTagsRank(refA) - gatewayTagsRank(refB) ||
    roleRank(a) - roleRank(b) ||
    compareByDisplayName(a, b)
  );
}
