/**
 * Repeated and map rules about the collection as a whole:
 *
 * repeated: min_items, max_items, unique (scalars, enums and bytes; PGV does not
 *           define it for messages, so there it is unsupported)
 * map:      min_pairs, max_pairs, no_sparse
 *
 * The per-element rules (`repeated.items`, `map.keys`, `map.values`) are
 * applied by the walker to each element through check-value.ts; they count as
 * handled here.
 */
import type { MapRules, RepeatedRules } from '../envoy/gen/validate/validate_pb.js';
import { presentRules } from './rule-presence.js';
import { count, finding, show, unsupported } from './violation.js';
import type { Finding } from './violation.js';

export const handledRepeatedRules: ReadonlySet<string> = new Set(['min_items', 'max_items', 'unique', 'items']);
export const handledMapRules: ReadonlySet<string> = new Set(['min_pairs', 'max_pairs', 'no_sparse', 'keys', 'values']);

/** A repeated field's items: scalar values, enum numbers, bytes, or (for messages) `message`. */
export type Items =
  | { readonly kind: 'values'; readonly values: readonly unknown[] }
  | { readonly kind: 'message'; readonly size: number };

export function checkRepeated(rules: RepeatedRules, items: Items): Finding[] {
  const present = presentRules('repeated', rules, handledRepeatedRules);
  const out: Finding[] = [];
  const size = BigInt(items.kind === 'values' ? items.values.length : items.size);
  if (present.names.has('min_items') && size < rules.minItems) {
    out.push(finding('repeated.min_items', `must have at least ${count(rules.minItems, 'item')}, got ${size}`));
  }
  if (present.names.has('max_items') && size > rules.maxItems) {
    out.push(finding('repeated.max_items', `must have at most ${count(rules.maxItems, 'item')}, got ${size}`));
  }
  if (rules.unique) {
    if (items.kind === 'message') out.push(unsupported('repeated.unique', 'PGV defines unique for scalar items only'));
    else {
      const seen = new Set<string>();
      items.values.forEach((value, index) => {
        const key = uniqueKey(value);
        if (seen.has(key))
          out.push(finding('repeated.unique', `items must be unique, item ${index} repeats ${show(value)}`));
        seen.add(key);
      });
    }
  }
  return [...out, ...present.unsupported];
}

function uniqueKey(value: unknown): string {
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('hex')}`;
  return `${typeof value}:${String(value)}`;
}

/** `sparse` counts entries whose message value is missing (null or undefined). */
export function checkMap(rules: MapRules, size: number, sparse: number): Finding[] {
  const present = presentRules('map', rules, handledMapRules);
  const out: Finding[] = [];
  const pairs = BigInt(size);
  if (present.names.has('min_pairs') && pairs < rules.minPairs) {
    out.push(finding('map.min_pairs', `must have at least ${count(rules.minPairs, 'pair')}, got ${pairs}`));
  }
  if (present.names.has('max_pairs') && pairs > rules.maxPairs) {
    out.push(finding('map.max_pairs', `must have at most ${count(rules.maxPairs, 'pair')}, got ${pairs}`));
  }
  if (rules.noSparse && sparse > 0) {
    out.push(finding('map.no_sparse', `values must all be set, ${sparse} missing`));
  }
  return [...out, ...present.unsupported];
}
