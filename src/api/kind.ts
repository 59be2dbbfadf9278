/**
 * The kind descriptor: the one small record that tells the rest of the control
 * plane how a resource kind is named, scoped, shaped and validated. The REST
 * routes, CLI names, `/_resources`, OpenAPI and validation all derive from it.
 */
import type { Static, TObject } from '@sinclair/typebox';
import type { InvalidParameter } from './errors.js';
import type { Labels } from './resource.js';

export type Scope = 'Global' | 'Mesh';

/**
 * `flat`: spec fields sit beside the metadata (Mesh, Dataplane, Secret).
 * `enveloped`: the spec sits under `spec` (MeshService and every Mesh* policy).
 */
export type Shape = 'flat' | 'enveloped';

export interface PolicyTraits {
  /** Position in which the policy's plugin edits a proxy's Envoy config. */
  readonly order: number;
  readonly hasToTargetRef: boolean;
  readonly hasFromTargetRef: boolean;
  readonly hasRulesTargetRef: boolean;
  /** Whether `from[]` entries are merged into inbound rules (Kuma's `isFromAsRules`). */
  readonly isFromAsRules: boolean;
  /** Which side of a proxy the policy acts on, as Kuma's `/policies` lists it. */
  readonly isInbound: boolean;
  readonly isOutbound: boolean;
}

/** What the hooks that need more than the spec see of a resource. */
export interface Identified<T = Readonly<Record<string, unknown>>> {
  readonly mesh: string;
  readonly name: string;
  readonly labels: Labels;
  readonly spec: T;
}

interface KindBase<S extends TObject, N extends string> {
  /** The `type` field: `MeshTimeout`. Kept as its literal where the kind is defined, so what belongs to a kind can be typed by it. */
  readonly name: N;
  /** URL segment and CLI name: `meshtimeouts`. */
  readonly plural: string;
  /** CLI alias: `mt`; '' for a kind Kuma gives none. */
  readonly shortName: string;
  /** Further URL segments that serve the kind (and CLI spellings): `global-secrets` beside `globalsecrets`. */
  readonly pathAliases?: readonly string[];
  readonly singularDisplayName: string;
  readonly pluralDisplayName: string;
  readonly scope: Scope;
  readonly shape: Shape;
  /** The spec: the fields under `spec`, or for flat kinds the fields beside the metadata. */
  readonly spec: S;
  /** Whether reads carry a `status` (set by the control plane, ignored on input). */
  readonly hasStatus?: boolean;
  /** The status a read shows while the control plane has set none: Kuma shows its zero value. */
  readonly emptyStatus?: unknown;
  /** Written by the control plane only: REST writes are refused with 405. */
  readonly readOnly?: boolean;
  /** Whether Kuma syncs the kind between global and zones (`/_resources`); true unless false. */
  readonly includeInFederation?: boolean;
  readonly policy?: PolicyTraits;
}

type SpecOf = Readonly<Record<string, unknown>>;

/** A kind as the rest of the control plane sees it. */
export interface KindDescriptor<N extends string = string> extends KindBase<TObject, N> {
  /**
   * Checks the schema cannot express (cross-field rules), run only on a spec
   * that passed the schema. Paths are relative to the spec; the validator
   * prefixes them with `spec.` for enveloped kinds.
   */
  readonly check?: (spec: SpecOf) => InvalidParameter[];
  /** Checks of the labels a kind needs beyond their syntax; paths are whole-document (`labels["..."]`). */
  readonly checkLabels?: (labels: Labels) => InvalidParameter[];
  /** `key=value` pairs a list can be filtered by (`?tag=key:value`). */
  readonly indexTags?: (spec: SpecOf) => string[];
  /** Deprecations a write is answered with; the write still succeeds. */
  readonly warnings?: (resource: Identified) => string[];
  /** Fields a read shows beside the spec, derived from the resource (`snis`). */
  readonly computed?: (resource: Identified) => Record<string, unknown>;
}

/** A policy kind: one with the traits every policy has. */
export type PolicyKindDescriptor<N extends string = string> = KindDescriptor<N> & { readonly policy: PolicyTraits };

/** A kind as its module writes it, with the spec's static type in its hooks. */
export interface KindDefinition<S extends TObject, N extends string = string> extends KindBase<S, N> {
  readonly check?: (spec: Static<S>) => InvalidParameter[];
  readonly checkLabels?: (labels: Labels) => InvalidParameter[];
  readonly indexTags?: (spec: Static<S>) => string[];
  readonly warnings?: (resource: Identified<Static<S>>) => string[];
  readonly computed?: (resource: Identified<Static<S>>) => Record<string, unknown>;
}

/**
 * Erases the spec type. The casts are sound because the hooks only ever see a
 * spec that the schema `S` has already accepted.
 */
export function defineKind<S extends TObject, N extends string>(definition: KindDefinition<S, N>): KindDescriptor<N> {
  const { check, indexTags, warnings, computed, ...base } = definition;
  const typed = (resource: Identified) => resource as Identified<Static<S>>;
  return {
    ...base,
    ...(check ? { check: (spec: SpecOf) => check(spec as Static<S>) } : {}),
    ...(indexTags ? { indexTags: (spec: SpecOf) => indexTags(spec as Static<S>) } : {}),
    ...(warnings ? { warnings: (resource: Identified) => warnings(typed(resource)) } : {}),
    ...(computed ? { computed: (resource: Identified) => computed(typed(resource)) } : {}),
  };
}

/** "MeshTimeout" → "Mesh Timeout", "MeshHTTPRoute" → "Mesh HTTP Route". */
export const displayName = (name: string): string =>
  name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z])([A-Z][a-z])/g, '$1 $2');

/** English plural, as Kuma spells its paths: meshretries, meshproxypatches, meshtlses. */
export const pluralOf = (word: string): string => {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
};
