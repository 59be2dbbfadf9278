/**
 * The stored form of every resource, whatever its REST shape. Stores, the mesh
 * view and generators work on this; only `document.ts` knows the REST shapes.
 */

/** Identity of a resource. `mesh` is '' for global kinds (Mesh itself). */
export interface ResourceKey {
  readonly kind: string;
  readonly mesh: string;
  readonly name: string;
}

export type Labels = Readonly<Record<string, string>>;

/** What a writer supplies: a validated document without server-set fields. */
export interface ResourceDraft extends ResourceKey {
  readonly labels: Labels;
  /** The spec: the `spec` object of enveloped kinds, the non-metadata fields of flat kinds. */
  readonly spec: Readonly<Record<string, unknown>>;
  /** Set by the control plane for kinds that have one; never taken from users. */
  readonly status?: unknown;
}

export interface Resource extends ResourceDraft {
  /** Increases by one on every update; the basis of optimistic concurrency. */
  readonly version: number;
  readonly creationTime: Date;
  readonly modificationTime: Date;
}

export const keyOf = (r: ResourceKey): ResourceKey => ({ kind: r.kind, mesh: r.mesh, name: r.name });

export const describeKey = (key: ResourceKey): string =>
  key.mesh === '' ? `${key.kind} "${key.name}"` : `${key.kind} "${key.name}" in mesh "${key.mesh}"`;
