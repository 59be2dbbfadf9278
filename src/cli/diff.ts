/**
 * Whether applying a document would change anything: the document's labels and
 * spec against those of the stored resource. Server-set fields (creationTime,
 * modificationTime, status) are not part of either, because `draftOf` — the same
 * function the server uses to store a document — leaves them out. The labels the
 * server computes on write (`kuma.io/mesh`, `kuma.io/origin`, ...) count only where
 * the document sets them, so a read applied again, or a document without them, is
 * unchanged, whichever mode (zone or global) the server runs in.
 */
import { draftOf, type KindDescriptor } from '../api/index.js';
import { COMPUTED_LABELS } from '../manager/index.js';

export type ApplyAction = 'created' | 'updated' | 'unchanged';

/**
 * Structural equality of JSON values: object key order does not matter, a key
 * holding `undefined` counts as absent, array order does.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!jsonEqual(left[key], right[key])) return false;
  return true;
}

/** What a PUT of `desired` would do, given the current document (undefined when absent). */
export function actionFor(
  kind: KindDescriptor,
  desired: Record<string, unknown>,
  current: Record<string, unknown> | undefined,
): ApplyAction {
  if (current === undefined) return 'created';
  const want = draftOf(kind, desired);
  const have = draftOf(kind, current);
  return sameLabels(want.labels, have.labels) && jsonEqual(want.spec, have.spec) ? 'unchanged' : 'updated';
}

/** The document's labels are the stored ones, but for those the server added by itself. */
function sameLabels(want: Readonly<Record<string, string>>, have: Readonly<Record<string, string>>): boolean {
  const wanted = Object.entries(want).every(([key, value]) => have[key] === value);
  const added = Object.keys(have).every((key) => key in want || COMPUTED_LABELS.has(key));
  return wanted && added;
}
