/**
 * What the validator reports, and how a location in a message is written.
 *
 * A rule checker returns Findings (rule + message) about one value; the walker
 * (walk.ts) knows where that value sits and turns each Finding into a Violation
 * with its path.
 *
 * Paths use protobuf field names (not JSON names), because that is how the PGV
 * rules and Envoy's own rejection messages name fields:
 *   filter_chains[0].filters[1].typed_config.stat_prefix
 *   metadata.filter_metadata["envoy.lb"]
 * A google.protobuf.Any adds nothing to the path: the packed message's fields
 * follow the Any field directly.
 *
 * Rule names are `<family>.<rule>` with the names of validate.proto, e.g.
 * `string.min_len`, `uint32.lte`, `duration.gt`, `repeated.min_items`,
 * `message.required`, `oneof.required`; map key rules are prefixed `map.keys.`.
 * A rule this module does not implement is reported as UNSUPPORTED_RULE, never
 * passed silently.
 */

export interface Violation {
  /** Where, in protobuf field names: `virtual_hosts[0].domains`. Empty for the root message. */
  readonly path: string;
  /** Which rule: `string.min_len`, `oneof.required`, … or UNSUPPORTED_RULE. */
  readonly rule: string;
  /** Why, for a person: what the rule wants and what the value was. */
  readonly message: string;
}

/** A rule broken by one value, before the walker adds where the value is. */
export interface Finding {
  readonly rule: string;
  readonly message: string;
}

/** The rule name of a violation raised by a PGV rule this validator does not implement. */
export const UNSUPPORTED_RULE = 'unsupported rule';

export const finding = (rule: string, message: string): Finding => ({ rule, message });

/** A rule that is present on the field but not implemented: reported, so that tests notice. */
export const unsupported = (rule: string, why: string): Finding => ({
  rule: UNSUPPORTED_RULE,
  message: `${rule}: ${why}`,
});

export const fieldPath = (parent: string, name: string): string => (parent === '' ? name : `${parent}.${name}`);

export const indexPath = (parent: string, index: number): string => `${parent}[${index}]`;

/** Map entries: string keys quoted (`labels["app"]`), other keys bare (`counts[3]`). */
export const keyPath = (parent: string, key: unknown): string =>
  `${parent}[${typeof key === 'string' ? JSON.stringify(key) : String(key)}]`;

/** A value shown in a message: strings quoted and shortened, bytes by length. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 61)}...` : value);
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return String(value);
}

/** `1 item`, `3 items`. */
export const count = (n: number | bigint, word: string): string => `${n} ${word}${n === 1 || n === 1n ? '' : 's'}`;
