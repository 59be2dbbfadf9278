/**
 * definePolicy: a policy kind from its spec schema and order. Everything else
 * (plural, display names, policy flags, targetRef checks) is derived, so a new
 * policy is its schema plus one registry line.
 */
import type { Static, TObject } from '@sinclair/typebox';
import {
  type InvalidParameter,
  defineKind,
  displayName,
  pluralOf,
  type PolicyKindDescriptor,
} from '../../api/index.js';
import { checkTargetRef, type TargetRef } from './targetref.js';

export interface PolicyDefinition<S extends TObject, N extends string> {
  readonly name: N;
  readonly shortName: string;
  readonly order: number;
  /** Whether `from[]` entries become inbound rules, as Kuma's `/_resources` says of the kind. */
  readonly fromAsRules?: boolean;
  /** Which side of a proxy it configures (Kuma's `/policies` says so of each kind); `none` for the whole proxy. */
  readonly acts: 'inbound' | 'outbound' | 'both' | 'none';
  /** Whether reads show a `status`, as Kuma's do for the policies that name backends (its zero value: `{}`). */
  readonly hasStatus?: boolean;
  readonly spec: S;
  /** Checks beyond the schema and the generic targetRef rules; paths relative to spec. */
  readonly check?: (spec: Static<S>) => InvalidParameter[];
}

interface PolicyShape {
  targetRef?: TargetRef;
  to?: readonly { targetRef?: TargetRef }[];
  from?: readonly { targetRef?: TargetRef }[];
}

/** The generic targetRef rules over the top level, `to[]` and `from[]`. */
export function checkPolicyTargetRefs(spec: PolicyShape): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  if (spec.targetRef) issues.push(...checkTargetRef(spec.targetRef, 'targetRef', 'top'));
  for (const section of ['to', 'from'] as const) {
    spec[section]?.forEach((entry, i) => {
      if (entry.targetRef) issues.push(...checkTargetRef(entry.targetRef, `${section}[${i}].targetRef`, section));
    });
  }
  return issues;
}

/** The kind keeps its name's literal type (`PolicyKindDescriptor<'MeshTimeout'>`), which types its plugin (core/policy-module.ts). */
export function definePolicy<S extends TObject, N extends string>(
  definition: PolicyDefinition<S, N>,
): PolicyKindDescriptor<N> {
  const display = displayName(definition.name);
  const properties = definition.spec.properties;
  const policy = {
    order: definition.order,
    hasToTargetRef: 'to' in properties,
    hasFromTargetRef: 'from' in properties,
    hasRulesTargetRef: 'rules' in properties,
    isFromAsRules: definition.fromAsRules ?? false,
    isInbound: definition.acts === 'inbound' || definition.acts === 'both',
    isOutbound: definition.acts === 'outbound' || definition.acts === 'both',
  };
  const kind = defineKind({
    name: definition.name,
    plural: pluralOf(definition.name.toLowerCase()),
    shortName: definition.shortName,
    singularDisplayName: display,
    pluralDisplayName: pluralOf(display),
    scope: 'Mesh',
    shape: 'enveloped',
    spec: definition.spec,
    ...(definition.hasStatus ? { hasStatus: true } : {}),
    policy,
    check: (spec: Static<S>) => [...checkPolicyTargetRefs(spec as PolicyShape), ...(definition.check?.(spec) ?? [])],
  });
  return { ...kind, policy };
}
