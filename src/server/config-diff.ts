/**
 * What changes between two configurations, as a JSON Patch (RFC 6902) in the
 * form Kuma's `_config?include=diff` answers: a value replaced is `test` (the
 * old value), `remove`, then `add` (the new one); a value removed is `test`
 * then `remove`; a value added is `add`. Objects are compared key by key
 * (keys in sorted order), arrays of the same length element by element, and
 * arrays of different lengths replaced whole. Paths are JSON Pointers
 * (RFC 6901: `~` as `~0`, `/` as `~1`).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface PatchOperation {
  readonly op: 'test' | 'remove' | 'add';
  readonly path: string;
  readonly value: Json;
}

const pointerToken = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function same(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => same(item, b[i]!));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && same(a[key]!, b[key]!))
    );
  }
  return false;
}

/** The patch that turns `before` into `after`; empty when they are equal. */
export function jsonPatchDiff(before: Json, after: Json): PatchOperation[] {
  const operations: PatchOperation[] = [];
  const walk = (path: string, a: Json | undefined, b: Json | undefined): void => {
    if (a !== undefined && b !== undefined && same(a, b)) return;
    if (isObject(a) && isObject(b)) {
      for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
        walk(`${path}/${pointerToken(key)}`, a[key], b[key]);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((item, i) => walk(`${path}/${i}`, item, b[i]));
      return;
    }
    if (a !== undefined) operations.push({ op: 'test', path, value: a }, { op: 'remove', path, value: a });
    if (b !== undefined) operations.push({ op: 'add', path, value: b });
  };
  walk('', before, after);
  return operations;
}
