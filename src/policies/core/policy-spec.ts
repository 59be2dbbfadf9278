/**
 * Reading the targetRef sections of a stored policy. Resources keep their spec
 * as an untyped record (the store knows no kinds); the schema has already
 * validated it, so these readers only name the shape every policy shares.
 */
import type { Resource } from '../../api/index.js';
import type { TargetRef } from './targetref.js';

/** A `to[]` or `from[]` entry: whom it is about and what it sets. */
export interface TargetedEntry {
  readonly targetRef: TargetRef;
  /** Absent in a few kinds where the entry only names a target (and in MeshHTTPRoute, which has `rules`). */
  readonly default?: unknown;
}

/** A `rules[]` entry. Only some kinds have `matches`; a rule without matches is the catch-all. */
export interface RuleEntry {
  readonly matches?: readonly unknown[];
  readonly default?: unknown;
}

/** Label that keeps a policy out of live config (it is only shown, e.g. to preview a change). */
export const EFFECT_LABEL = 'kuma.io/effect';
export const SHADOW_EFFECT = 'shadow';

const MESH: TargetRef = { kind: 'Mesh' };

/** The top-level targetRef; a missing one means the whole mesh. */
export const topLevelTargetRef = (policy: Resource): TargetRef =>
  (policy.spec['targetRef'] as TargetRef | undefined) ?? MESH;

const list = <T>(value: unknown): readonly T[] => (Array.isArray(value) ? (value as T[]) : []);

export const toEntries = (policy: Resource): readonly TargetedEntry[] => list(policy.spec['to']);
export const fromEntries = (policy: Resource): readonly TargetedEntry[] => list(policy.spec['from']);
export const ruleEntries = (policy: Resource): readonly RuleEntry[] => list(policy.spec['rules']);

export const isShadow = (policy: Resource): boolean => policy.labels[EFFECT_LABEL] === SHADOW_EFFECT;
