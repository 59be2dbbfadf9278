/**
 * Merging the `default` objects of matching policy entries, lowest priority
 * first, as an RFC 7396 JSON merge patch (https://www.rfc-editor.org/rfc/rfc7396):
 *
 *   - objects merge key by key, recursively;
 *   - any other value (scalar or list) in a later patch replaces the earlier one;
 *   - `null` in a patch removes the key;
 *   - except Kuma's one addition: a list under a key starting with `append`
 *     (appendModifications, appendProfiles, appendMatch) is concatenated to the
 *     earlier list, so several policies can each add items.
 *
 * Pure: inputs are never mutated and the result shares no objects with them,
 * so a caller may change what it gets back.
 */

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isAppendKey = (key: string): boolean => key.startsWith('append');

/** Plain assignment would treat a `__proto__` key as the prototype; a data property never does. */
const setKey = (object: JsonObject, key: string, value: unknown): void => {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
};

/** A deep copy of a JSON value; nulls inside objects are dropped, as applying a patch to nothing does. */
function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOf);
  if (isObject(value)) return mergePatch({}, value);
  return value;
}

/** `patch` applied to `target` (RFC 7396 plus `append*` lists). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return copyOf(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
      continue;
    }
    const earlier = Object.hasOwn(result, key) ? result[key] : undefined;
    if (isAppendKey(key) && Array.isArray(value)) {
      setKey(result, key, [...(Array.isArray(earlier) ? earlier.map(copyOf) : []), ...value.map(copyOf)]);
    } else {
      setKey(result, key, mergePatch(isObject(earlier) ? earlier : undefined, value));
    }
  }
  // Keys the patch did not touch still point into `target`: copy them too.
  for (const key of Object.keys(result)) if (!Object.hasOwn(patch, key)) setKey(result, key, copyOf(result[key]));
  return result;
}

/**
 * The merge of `confs` in the given order (lowest priority first). Undefined
 * entries (an entry without `default`) contribute nothing; the result is
 * undefined only when every entry is.
 */
export function mergeConfs(confs: readonly unknown[]): unknown {
  let merged: unknown;
  for (const conf of confs) if (conf !== undefined) merged = mergePatch(merged, conf);
  return merged;
}
