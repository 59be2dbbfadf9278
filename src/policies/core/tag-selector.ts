/**
 * Tag and label selectors: a map of key/value pairs that selects everything
 * carrying all of those pairs. Used for MeshSubset tags, label selectors, and
 * the client groups a `from[]` entry names. An empty selector selects all,
 * as an empty Kubernetes label selector does.
 */
import type { Labels } from '../../api/index.js';

/** Whether `tags` carries every pair of `selector`. */
export function selectorMatches(selector: Labels, tags: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => Object.hasOwn(tags, key) && tags[key] === value);
}

/**
 * The selector that selects exactly what both select, or undefined when they
 * need different values for one key and so can never select the same thing.
 */
export function intersectSelectors(a: Labels, b: Labels): Labels | undefined {
  const both: Record<string, string> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (Object.hasOwn(both, key) && both[key] !== value) return undefined;
    both[key] = value;
  }
  return both;
}

/** A canonical string for a selector (keys sorted), to recognise equal selectors. */
export function selectorKey(selector: Labels): string {
  return JSON.stringify(
    Object.keys(selector)
      .sort()
      .map((key) => [key, selector[key]]),
  );
}
