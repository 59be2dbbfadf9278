/**
 * Resolving `from[]` sections for one inbound of a proxy: which configuration
 * applies to which clients.
 *
 * A `from[]` entry names a client group as a targetRef; each group is a tag
 * selector on the client's inbound tags (Mesh: {}, MeshService: {kuma.io/service},
 * MeshSubset: tags, MeshServiceSubset: both). The result is a list of rules,
 * one per client group, most specific group (most tags) first:
 *
 *   - a rule's conf merges, in entry order (policy priority, then position in
 *     `from[]`, as Kuma does), every entry whose group contains the rule's
 *     group: a `frontend` rule inherits what a Mesh entry sets and overrides it;
 *   - wherever two groups overlap (`team: a` and `frontend`), the overlap has
 *     its own rule, so that
 *   - the conf for a client is that of the FIRST rule whose `clientTags` the
 *     client carries (`ruleForClient`). A client no rule matches gets nothing.
 *
 * Example, one MeshTrafficPermission `from: [Mesh Allow, MeshService other Deny]`:
 *   [{source: MeshService other, conf: Deny}, {source: Mesh, conf: Allow}]
 */
import { SERVICE_TAG, type Labels, type Resource } from '../../api/index.js';
import type { MatchedPolicy } from './match.js';
import { mergeConfs } from './merge.js';
import { fromEntries, ruleEntries, type TargetedEntry } from './policy-spec.js';
import { comparePolicies } from './specificity.js';
import { intersectSelectors, selectorKey, selectorMatches } from './tag-selector.js';
import type { TargetRef } from './targetref.js';

export interface FromRule {
  /** The client group as a targetRef (Mesh, MeshSubset, MeshService or MeshServiceSubset). */
  readonly source: TargetRef;
  /** The same group as the tags a client must carry. */
  readonly clientTags: Labels;
  /** The merged `default` of every entry that covers the group; undefined if none of them has one. */
  readonly conf: unknown;
  /** The policies whose entries were merged, in merge order. */
  readonly policies: readonly Resource[];
}

export interface FromRuleOptions {
  /** Names of the MeshServices carrying these labels, to resolve a MeshService source given by labels. Without it such sources match no client. */
  readonly meshServicesByLabels?: (labels: Labels) => readonly string[];
}

interface GroupedEntry {
  readonly policy: Resource;
  readonly entry: TargetedEntry;
  readonly group: Labels;
}

/** The matched policies that configure this inbound, lowest priority first. */
export const policiesForInbound = (matched: readonly MatchedPolicy[], inbound: number): Resource[] =>
  matched
    .filter((match) => match.inbounds.includes(inbound))
    .map((match) => match.policy)
    .sort(comparePolicies);

/** The client groups a `from[]` targetRef names (several for a labels selector, none for kinds that name no clients). */
function groupsOf(ref: TargetRef, options: FromRuleOptions): Labels[] {
  const services =
    ref.name !== undefined
      ? [ref.name]
      : ref.labels !== undefined
        ? [...(options.meshServicesByLabels?.(ref.labels) ?? [])]
        : [];
  switch (ref.kind) {
    case 'Mesh':
      return [{}];
    case 'MeshSubset':
      return [{ ...ref.tags }];
    case 'MeshService':
      return services.map((service) => ({ [SERVICE_TAG]: service }));
    case 'MeshServiceSubset':
      return services.map((service) => ({ ...ref.tags, [SERVICE_TAG]: service }));
    default:
      return [];
  }
}

/** The group back as a targetRef, for callers and inspection. */
function sourceOf(group: Labels): TargetRef {
  const { [SERVICE_TAG]: service, ...rest } = group;
  const hasRest = Object.keys(rest).length > 0;
  if (service === undefined) return hasRest ? { kind: 'MeshSubset', tags: rest } : { kind: 'Mesh' };
  return hasRest ? { kind: 'MeshServiceSubset', name: service, tags: rest } : { kind: 'MeshService', name: service };
}

/** Every group named, plus every non-empty overlap of named groups. */
function closeUnderOverlap(groups: readonly Labels[]): Labels[] {
  const closed = new Map<string, Labels>();
  const pending = [...groups];
  for (let group = pending.pop(); group !== undefined; group = pending.pop()) {
    const key = selectorKey(group);
    if (closed.has(key)) continue;
    for (const other of closed.values()) {
      const overlap = intersectSelectors(group, other);
      if (overlap !== undefined && !closed.has(selectorKey(overlap))) pending.push(overlap);
    }
    closed.set(key, group);
  }
  return [...closed.values()];
}

const bySpecificityThenKey = (a: Labels, b: Labels): number => {
  const keyA = selectorKey(a);
  const keyB = selectorKey(b);
  return Object.keys(b).length - Object.keys(a).length || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0);
};

/**
 * Results of `fromRules` and `inboundRules` remembered per matched list object,
 * inbound and options: proxies selected by the same policies share one list
 * (mesh/mesh-policies.ts), so a thousand proxies resolve an inbound once.
 * Results are frozen: callers that reorder them copy first.
 */
const remembered = new WeakMap<readonly MatchedPolicy[], Map<string, unknown>>();

function rememberedFor<T>(matched: readonly MatchedPolicy[], key: string, compute: () => T): T {
  let byKey = remembered.get(matched);
  if (byKey === undefined) {
    byKey = new Map();
    remembered.set(matched, byKey);
  }
  if (!byKey.has(key)) byKey.set(key, Object.freeze(compute()));
  return byKey.get(key) as T;
}

/** The `from[]` rules for the inbound at position `inbound` of the proxy, most specific client group first. */
export function fromRules(
  matched: readonly MatchedPolicy[],
  inbound: number,
  options: FromRuleOptions = {},
): readonly FromRule[] {
  return rememberedFor(matched, `from\u0000${inbound}\u0000${JSON.stringify(options)}`, () =>
    computeFromRules(matched, inbound, options),
  );
}

function computeFromRules(matched: readonly MatchedPolicy[], inbound: number, options: FromRuleOptions): FromRule[] {
  const entries: GroupedEntry[] = policiesForInbound(matched, inbound).flatMap((policy) =>
    fromEntries(policy).flatMap((entry) =>
      groupsOf(entry.targetRef, options).map((group) => ({ policy, entry, group })),
    ),
  );
  return closeUnderOverlap(entries.map((e) => e.group))
    .sort(bySpecificityThenKey)
    .map((clientTags) => {
      const covering = entries.filter((e) => selectorMatches(e.group, clientTags));
      return {
        source: sourceOf(clientTags),
        clientTags,
        conf: mergeConfs(covering.map((e) => e.entry.default)),
        policies: [...new Set(covering.map((e) => e.policy))],
      };
    });
}

/** The rule that applies to a client with these tags: the first whose group contains it. */
export const ruleForClient = (rules: readonly FromRule[], clientTags: Labels): FromRule | undefined =>
  rules.find((rule) => selectorMatches(rule.clientTags, clientTags));

/** One inbound `rules[]` entry, expanded to a single match; a rule without `match` is a catch-all. */
export interface InboundRule {
  readonly match?: unknown;
  readonly conf: unknown;
  readonly policy: Resource;
  /** Position in the policy's `rules[]` (or `from[]`, for a from entry read as a rule). */
  readonly index: number;
}

export interface InboundRuleOptions {
  /**
   * Read `from[]` entries naming the whole mesh as catch-all rules, for policies
   * that have no `rules` (kinds whose `from` only allows Mesh, like MeshTimeout).
   */
  readonly fromAsRules?: boolean;
}

/**
 * The inbound `rules[]` of the policies that configure the inbound, lowest
 * priority first, one rule per match. A policy with `rules` contributes only
 * those; its `from` is not read. Kinds whose matches have their own order
 * (e.g. exact before prefix) sort the matched rules themselves.
 */
export function inboundRules(
  matched: readonly MatchedPolicy[],
  inbound: number,
  options: InboundRuleOptions = {},
): readonly InboundRule[] {
  return rememberedFor(matched, `rules\u0000${inbound}\u0000${JSON.stringify(options)}`, () =>
    computeInboundRules(matched, inbound, options),
  );
}

function computeInboundRules(
  matched: readonly MatchedPolicy[],
  inbound: number,
  options: InboundRuleOptions,
): InboundRule[] {
  return policiesForInbound(matched, inbound).flatMap((policy): InboundRule[] => {
    const rules = ruleEntries(policy);
    if (rules.length > 0)
      return rules.flatMap((rule, index) => {
        const matches = rule.matches ?? [];
        if (matches.length === 0) return [{ conf: rule.default, policy, index }];
        return matches.map((match) => ({ match, conf: rule.default, policy, index }));
      });
    if (!options.fromAsRules) return [];
    return fromEntries(policy).flatMap((entry, index) =>
      entry.targetRef.kind === 'Mesh' ? [{ conf: entry.default, policy, index }] : [],
    );
  });
}

/** The merged conf of the catch-all rules: what applies to every request the inbound receives. */
export const resolveCatchAll = (rules: readonly InboundRule[]): unknown =>
  mergeConfs(rules.filter((rule) => rule.match === undefined).map((rule) => rule.conf));
