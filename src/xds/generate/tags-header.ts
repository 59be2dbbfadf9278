/**
 * The `x-kuma-tags` request header: a sidecar names its own workload to the
 * proxies it calls, so that their inbound policies can tell callers apart
 * (MeshFaultInjection and MeshRateLimit `from[]` entries naming some callers).
 *
 *   caller sidecar ── outbound route configurations set x-kuma-tags ──► callee sidecar
 *                     (overwriting any value the application sent)      fault filter `headers`,
 *                                                                       rate limit routes: regex on it
 *
 * The value has Kuma's format, so Koguma and Kuma sidecars read each other's:
 * per tag key `&<key>=<values>&`, the values of that key on all the proxy's
 * inbounds merged, deduplicated, sorted and joined with `,`; keys sorted; the
 * pairs concatenated:
 *
 *   &kuma.io/protocol=http&&kuma.io/service=web&&version=v1,v2&
 *
 * Tag keys and values are made of letters, digits and `. - _ : /` (api/primitives.ts),
 * so `&`, `,` and `=` never occur inside them.
 */
import type { Labels } from '../../api/index.js';

export const TAGS_HEADER = 'x-kuma-tags';

/** The header value for a proxy whose inbounds carry `tagSets`; undefined when they carry none. */
export function tagsHeaderValue(tagSets: readonly Labels[]): string | undefined {
  const values = new Map<string, Set<string>>();
  for (const tags of tagSets)
    for (const [key, value] of Object.entries(tags)) values.set(key, (values.get(key) ?? new Set()).add(value));
  if (values.size === 0) return undefined;
  return [...values.keys()]
    .sort()
    .map((key) => `&${key}=${[...values.get(key)!].sort().join(',')}&`)
    .join('');
}

const escapeRegex = (text: string): string => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/**
 * An RE2 pattern matching a whole header value of a caller whose inbounds
 * carry every pair of `tags` (non-empty; as the values of all inbounds are
 * merged, the pairs may come from different inbounds). A value must equal a
 * whole element of the key's list: `frontend` does not match `my-frontend`.
 *
 * Kept short: Envoy rejects a regex whose compiled RE2 program is larger than
 * its runtime's `re2.max_program_size.error_level` (100 by default, about one
 * tag with a 40-character value here).
 */
export function tagsHeaderRegex(tags: Labels): string {
  const pairs = Object.keys(tags)
    .sort()
    .map((key) => `&${escapeRegex(key)}=(?:[^&]*,)?${escapeRegex(tags[key]!)}[,&].*`);
  return `.*${pairs.join('')}`;
}
