/**
 * Inbound confs per caller group, for the policies an Envoy sidecar applies
 * per caller by matching the x-kuma-tags header its callers' sidecars set
 * (xds/generate/tags-header.ts): MeshFaultInjection and MeshRateLimit.
 *
 *   from-rules.ts groups     ─► [frontend+v2, frontend, team:a, (everyone)]   most specific first
 *   each group's conf        ─► every policy's part for it, merged in priority order:
 *                                 a policy with rules[]: its catch-all rules (all callers)
 *                                 otherwise: its from[] entries whose group contains it
 *   the header matchers      ─► a caller gets the conf of the FIRST group it belongs to, so
 *                                 a group's matcher excludes the more specific groups in it
 *
 * The last group is always the whole mesh (no tags): what callers that no
 * other group names get, and callers without the header (not in the mesh,
 * proxyless gRPC clients).
 */
import { create } from '@bufbuild/protobuf';
import { type Labels, type Resource, SERVICE_TAG } from '../../api/index.js';
import {
  HeaderMatcherSchema,
  type HeaderMatcher,
} from '../../xds/envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { TAGS_HEADER, tagsHeaderRegex } from '../../xds/generate/index.js';
import { fromRules, inboundRules, policiesForInbound } from './from-rules.js';
import type { MatchedPolicy } from './match.js';
import { mergeConfs } from './merge.js';
import { fromEntries, ruleEntries } from './policy-spec.js';
import { selectorMatches } from './tag-selector.js';
import type { TargetRef } from './targetref.js';

export interface CallerGroup {
  /** The tags a caller carries to belong to the group; {} for every caller. */
  readonly clientTags: Labels;
  /** What the group's callers get: the merged confs, undefined if nothing sets one. */
  readonly conf: unknown;
  /**
   * Positions, in the list, of the more specific groups inside this one,
   * whose callers it must leave out; a group inside another of them is left
   * out with it and not listed.
   */
  readonly inside: readonly number[];
}

const usesRules = (policy: Resource): boolean => ruleEntries(policy).length > 0;

/** Whether a from[] targetRef names every caller with `tags` (a MeshService chosen by labels names none here, as in from-rules.ts). */
function names(ref: TargetRef, tags: Labels): boolean {
  switch (ref.kind) {
    case 'Mesh':
      return true;
    case 'MeshSubset':
      return selectorMatches(ref.tags ?? {}, tags);
    case 'MeshService':
      return ref.name !== undefined && tags[SERVICE_TAG] === ref.name;
    case 'MeshServiceSubset':
      return ref.name !== undefined && tags[SERVICE_TAG] === ref.name && selectorMatches(ref.tags ?? {}, tags);
    default:
      return false;
  }
}

/** The confs, lowest priority first, that apply to callers with `tags`. */
function confsFor(
  policies: readonly Resource[],
  matched: readonly MatchedPolicy[],
  inbound: number,
  tags: Labels,
): unknown[] {
  return policies.flatMap((policy) => {
    if (usesRules(policy)) {
      const own = matched.filter((m) => m.policy === policy);
      return inboundRules(own, inbound)
        .filter((rule) => rule.match === undefined)
        .map((rule) => rule.conf);
    }
    return fromEntries(policy)
      .filter((entry) => names(entry.targetRef, tags))
      .map((entry) => entry.default);
  });
}

/**
 * Results per matched list object and inbound: proxies selected by the same
 * policies share one list (mesh/mesh-policies.ts), so they resolve it once.
 */
const remembered = new WeakMap<readonly MatchedPolicy[], Map<number, readonly CallerGroup[]>>();

/** The caller groups of the inbound at `inbound`, most specific first, the whole mesh last. */
export function callerGroups(matched: readonly MatchedPolicy[], inbound: number): readonly CallerGroup[] {
  let byInbound = remembered.get(matched);
  if (byInbound === undefined) {
    byInbound = new Map();
    remembered.set(matched, byInbound);
  }
  let groups = byInbound.get(inbound);
  if (groups === undefined) {
    groups = Object.freeze(computeCallerGroups(matched, inbound));
    byInbound.set(inbound, groups);
  }
  return groups;
}

function computeCallerGroups(matched: readonly MatchedPolicy[], inbound: number): CallerGroup[] {
  const policies = policiesForInbound(matched, inbound);
  const fromPolicies = matched.filter((m) => m.inbounds.includes(inbound) && !usesRules(m.policy));
  const named = fromPolicies.some(({ policy }) => fromEntries(policy).some((entry) => entry.targetRef.kind !== 'Mesh'))
    ? fromRules(fromPolicies, inbound)
        .map((rule) => rule.clientTags)
        .filter((tags) => Object.keys(tags).length > 0)
    : [];
  const all: Labels[] = [...named, {}];
  return all.map((clientTags, i) => {
    const within = all.slice(0, i).flatMap((other, j) => (selectorMatches(clientTags, other) ? [j] : []));
    const outermost = within.filter((j) => !within.some((k) => k !== j && selectorMatches(all[k]!, all[j]!)));
    return { clientTags, conf: mergeConfs(confsFor(policies, matched, inbound, clientTags)), inside: outermost };
  });
}

const tagsMatcher = (tags: Labels, invert: boolean): HeaderMatcher =>
  create(HeaderMatcherSchema, {
    name: TAGS_HEADER,
    headerMatchSpecifier: {
      case: 'stringMatch',
      value: { matchPattern: { case: 'safeRegex', value: { regex: tagsHeaderRegex(tags) } } },
    },
    invertMatch: invert,
    // Without it an inverted matcher fails on a request without the header,
    // which would leave callers outside the mesh out of the whole-mesh group.
    treatMissingHeaderAsEmpty: invert,
  });

/** The header condition that selects callers carrying `tags` (non-empty), more specific groups included. */
export const callerMatcher = (tags: Labels): HeaderMatcher => tagsMatcher(tags, false);

/**
 * The header conditions, all to hold, that select the callers of `groups[i]`
 * and of no more specific group: its own tags, and none of the groups inside it.
 */
export function callerMatchers(groups: readonly CallerGroup[], i: number): HeaderMatcher[] {
  const group = groups[i]!;
  return [
    ...(Object.keys(group.clientTags).length > 0 ? [tagsMatcher(group.clientTags, false)] : []),
    ...group.inside.map((j) => tagsMatcher(groups[j]!.clientTags, true)),
  ];
}

/** How a group reads in warnings: `from kuma.io/service=frontend,version=v2`, or `from the whole mesh`. */
export function groupLabel(tags: Labels): string {
  const pairs = Object.keys(tags)
    .sort()
    .map((key) => `${key}=${tags[key]}`);
  return pairs.length === 0 ? 'from the whole mesh' : `from ${pairs.join(',')}`;
}
