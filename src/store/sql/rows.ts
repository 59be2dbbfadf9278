/**
 * The row shape of `koguma_resources` and its conversion to and from resources.
 * Clients differ in how they hand back a bigint (the `postgres` package: a
 * string; PGlite: a number), so every numeric column passes through `Number()`.
 */
import type { Resource, ResourceDraft } from '../../api/index.js';
import type { TagIndexer } from '../types.js';

/** The columns every statement that returns resources selects, in this order. */
export const resourceColumns = 'kind, mesh, name, version, labels, spec, status, creation_time, modification_time';

export interface ResourceRow {
  readonly kind: string;
  readonly mesh: string;
  readonly name: string;
  readonly version: number | string;
  readonly labels: Record<string, string>;
  readonly spec: Record<string, unknown>;
  readonly status: unknown;
  readonly creation_time: Date;
  readonly modification_time: Date;
}

export function resourceOf(row: ResourceRow): Resource {
  return {
    kind: row.kind,
    mesh: row.mesh,
    name: row.name,
    labels: row.labels,
    spec: row.spec,
    // SQL NULL means "no status"; the property is then absent, as in a draft without one.
    ...(row.status !== null && row.status !== undefined ? { status: row.status } : {}),
    version: Number(row.version),
    creationTime: row.creation_time,
    modificationTime: row.modification_time,
  };
}

/** A draft as the JSON document the insert statement unpacks (`json_array_elements`). */
export function insertDocumentOf(draft: ResourceDraft, indexTags: TagIndexer): object {
  return {
    kind: draft.kind,
    mesh: draft.mesh,
    name: draft.name,
    labels: draft.labels,
    spec: draft.spec,
    status: draft.status ?? null,
    tags: indexTags(draft.kind, draft.spec),
  };
}
