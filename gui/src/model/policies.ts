/** Policy kinds and how many of each there are, shaped for the policy pages. */
import type { OkBody } from './responses';

export type PolicyKind = OkBody<'/policies'>['policies'][number];
type Totals = Readonly<Record<string, { readonly total?: number } | undefined>> | undefined;

export interface PolicyKindCount {
  readonly kind: PolicyKind;
  readonly total: number;
}

/**
 * Every policy kind with its count from an insight's per-kind totals (a mesh
 * insight's `policies`, or the global insight's `resources`), by name; kinds
 * with none are listed with 0 unless `onlyPresent`.
 */
export function countPolicyKinds(
  kinds: readonly PolicyKind[],
  totals: Totals,
  { onlyPresent = false } = {},
): PolicyKindCount[] {
  return kinds
    .map((kind) => ({ kind, total: totals?.[kind.name]?.total ?? 0 }))
    .filter((row) => !onlyPresent || row.total > 0)
    .sort((a, b) => a.kind.name.localeCompare(b.kind.name));
}

/** The kind whose API path is `plural` (`meshtimeouts`), if any. */
export const kindByPath = (kinds: readonly PolicyKind[], plural: string): PolicyKind | undefined =>
  kinds.find((kind) => kind.path === plural);

/** The kind named `name` (`MeshTimeout`), if any. */
export const kindByName = (kinds: readonly PolicyKind[], name: string): PolicyKind | undefined =>
  kinds.find((kind) => kind.name === name);

interface TargetRef {
  readonly kind?: string;
  readonly name?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A policy's top-level target, as one line: `Mesh`, `Dataplane web-1`, `MeshService backend`, `Dataplane app=web`. */
export function targetOf(spec: unknown): string {
  const ref = (spec as { targetRef?: TargetRef } | undefined)?.targetRef;
  if (ref?.kind === undefined) return 'Mesh';
  const selector = ref.labels ?? ref.tags;
  const detail =
    ref.name ??
    (selector === undefined
      ? undefined
      : Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '));
  return detail === undefined || detail === '' ? ref.kind : `${ref.kind} ${detail}`;
}
