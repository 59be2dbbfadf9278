/**
 * Drafts for the store contract suite. Kinds are plain strings to a store, so
 * cases use real kind names where it reads better and invented ones where a
 * kind must be theirs alone.
 */
import type { Labels, ResourceDraft } from '../../src/api/index.js';
import type { TagIndexer } from '../../src/store/index.js';

export interface DraftFields {
  readonly labels?: Labels;
  readonly spec?: Readonly<Record<string, unknown>>;
  readonly status?: unknown;
}

export function draftOf(kind: string, mesh: string, name: string, fields: DraftFields = {}): ResourceDraft {
  return {
    kind,
    mesh,
    name,
    labels: fields.labels ?? {},
    spec: fields.spec ?? { targetRef: { kind: 'Mesh' } },
    ...(fields.status !== undefined ? { status: fields.status } : {}),
  };
}

export const meshDraft = (name: string): ResourceDraft => draftOf('Mesh', '', name, { spec: {} });

/** The tag index the suite opens stores with: `spec.tags` entries as `key=value`. */
export const specTagIndexer: TagIndexer = (_kind, spec) => {
  const tags = (spec as { tags?: Record<string, string> }).tags ?? {};
  return Object.entries(tags).map(([key, value]) => `${key}=${value}`);
};
