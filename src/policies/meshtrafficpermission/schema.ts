/**
 * MeshTrafficPermission: which clients may reach the selected proxies' inbound
 * traffic. Two forms: `from[]` picks clients by targetRef with an action
 * (Allow, Deny, AllowWithShadowDeny), and the newer `rules[]` lists SPIFFE ID
 * matches to deny, allow, or allow while logging as denied. A request that
 * matches a deny is denied; one that matches an allow is allowed; else denied.
 */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, Strict, StringEnum } from '../../api/index.js';
import { definePolicy, FROM_SERVICE_KINDS, TargetRef } from '../core/index.js';

const TOP_KINDS = ['Mesh', 'Dataplane', 'MeshSubset', 'MeshService', 'MeshServiceSubset'] as const;

export const ACTIONS = ['Allow', 'Deny', 'AllowWithShadowDeny'] as const;
export type Action = (typeof ACTIONS)[number];

export const MeshTrafficPermissionConf = Strict({
  action: StringEnum(ACTIONS, {
    description: 'What happens to requests from these clients; AllowWithShadowDeny allows but logs as denied.',
  }),
});
export type MeshTrafficPermissionConf = Static<typeof MeshTrafficPermissionConf>;

/** A client identity match: its SPIFFE ID, exactly or by prefix. */
export const Match = Strict({
  spiffeID: Strict({
    type: StringEnum(['Exact', 'Prefix']),
    value: Type.String({
      pattern: '^spiffe://.+',
      errorMessage: 'must be a SPIFFE ID like spiffe://<trust domain>/<path>',
    }),
  }),
});
export type Match = Static<typeof Match>;

const LISTS = ['deny', 'allow', 'allowWithShadowDeny'] as const;

export const MeshTrafficPermissionRuleConf = Strict({
  deny: Type.Optional(Type.Array(Match, { description: 'Clients always denied; wins over allow.' })),
  allow: Type.Optional(Type.Array(Match)),
  allowWithShadowDeny: Type.Optional(Type.Array(Match, { description: 'Clients allowed, but logged as if denied.' })),
});
export type MeshTrafficPermissionRuleConf = Static<typeof MeshTrafficPermissionRuleConf>;

export const MeshTrafficPermissionSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_KINDS)),
  from: Type.Optional(
    // `default` is checked below, as Kuma checks it: only once the schema holds.
    Type.Array(Strict({ targetRef: TargetRef(FROM_SERVICE_KINDS), default: Type.Optional(MeshTrafficPermissionConf) })),
  ),
  rules: Type.Optional(Type.Array(Strict({ default: MeshTrafficPermissionRuleConf }))),
});
export type MeshTrafficPermissionSpec = Static<typeof MeshTrafficPermissionSpec>;

export const MeshTrafficPermissionKind = definePolicy({
  name: 'MeshTrafficPermission',
  shortName: 'mtp',
  order: 1100,
  acts: 'inbound',
  spec: MeshTrafficPermissionSpec,
  check: (spec) => {
    if (spec.from === undefined && spec.rules === undefined)
      return [{ field: 'from', reason: 'at least one of from or rules must be set' }];
    const issues: InvalidParameter[] = [];
    spec.from?.forEach((from, i) => {
      if (from.default === undefined) issues.push({ field: `from[${i}].default.action`, reason: 'must be defined' });
    });
    spec.rules?.forEach((rule, i) => {
      if (!LISTS.some((list) => rule.default[list] !== undefined))
        issues.push({ field: `rules[${i}].default`, reason: `must set at least one of ${LISTS.join(', ')}` });
    });
    return issues;
  },
});
