/**
 * The `rules[]` form of MeshTrafficPermission: lists of SPIFFE ID matches.
 * Unlike every other merge in Kuma, these lists are concatenated across all
 * the policies that configure an inbound, not replaced by the most specific
 * one: a mesh operator's deny must survive a service owner's allow. So the
 * generic merge (core/merge.ts) is not used; every rule's lists are joined,
 * lowest priority first, and a match listed twice is kept once.
 *
 * Evaluation (Kuma): a client matching any `deny` is denied; else one matching
 * any `allow` or `allowWithShadowDeny` is allowed (the latter reported as a
 * shadow deny); else it is denied.
 */
import type { InboundRule } from '../core/index.js';
import type { Match, MeshTrafficPermissionRuleConf } from './schema.js';

export interface RuleLists {
  readonly deny: readonly Match[];
  readonly allow: readonly Match[];
  readonly allowWithShadowDeny: readonly Match[];
}

const LIST_NAMES = ['deny', 'allow', 'allowWithShadowDeny'] as const;

const matchKey = (match: Match): string => `${match.spiffeID.type} ${match.spiffeID.value}`;

/** Every list of every rule, concatenated in rule order, duplicates dropped. */
export function concatRuleLists(rules: readonly InboundRule[]): RuleLists {
  const lists = {
    deny: new Map<string, Match>(),
    allow: new Map<string, Match>(),
    allowWithShadowDeny: new Map<string, Match>(),
  };
  for (const rule of rules) {
    const conf = rule.conf as MeshTrafficPermissionRuleConf | undefined;
    for (const name of LIST_NAMES) {
      for (const match of conf?.[name] ?? []) lists[name].set(matchKey(match), match);
    }
  }
  return {
    deny: [...lists.deny.values()],
    allow: [...lists.allow.values()],
    allowWithShadowDeny: [...lists.allowWithShadowDeny.values()],
  };
}
