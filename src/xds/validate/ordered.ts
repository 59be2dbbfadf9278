/**
 * const / lt / lte / gt / gte / in / not_in over any ordered value: the shared
 * core of the numeric, duration and timestamp rules.
 *
 * Follows PGV's range semantics (templates/goshared/ltgt.go): with a lower and
 * an upper bound, upper > lower means "inside the range"; upper <= lower means
 * "outside the range", reported as `<family>.range`. A broken bound of an
 * inside range is reported by its own rule name (`uint32.lte`), so a port of
 * 70000 under {gte: 1, lte: 65535} reads `uint32.lte`. Comparisons are written
 * as failure conditions as in PGV, so a NaN float passes bounds as it does there.
 */
import { finding } from './violation.js';
import type { Finding } from './violation.js';

/** The rules that are present; an absent rule is undefined (or an empty list). */
export interface OrderedRules<T> {
  readonly const?: T | undefined;
  readonly lt?: T | undefined;
  readonly lte?: T | undefined;
  readonly gt?: T | undefined;
  readonly gte?: T | undefined;
  readonly in?: readonly T[] | undefined;
  readonly notIn?: readonly T[] | undefined;
}

export interface Ordering<T> {
  /** Negative, zero or positive; NaN when the values do not compare. */
  compare(a: T, b: T): number;
  show(value: T): string;
}

interface Bound<T> {
  readonly name: 'lt' | 'lte' | 'gt' | 'gte';
  readonly value: T;
  readonly inclusive: boolean;
}

export function checkOrdered<T>(family: string, value: T, rules: OrderedRules<T>, order: Ordering<T>): Finding[] {
  const out: Finding[] = [];
  const got = order.show(value);
  const list = (values: readonly T[]) => `[${values.map(order.show).join(', ')}]`;

  if (rules.const !== undefined && order.compare(value, rules.const) !== 0) {
    out.push(finding(`${family}.const`, `must equal ${order.show(rules.const)}, got ${got}`));
  }

  const upper = upperBound(rules);
  const lower = lowerBound(rules);
  const failsUpper =
    upper !== undefined &&
    (upper.inclusive ? order.compare(value, upper.value) > 0 : order.compare(value, upper.value) >= 0);
  const failsLower =
    lower !== undefined &&
    (lower.inclusive ? order.compare(value, lower.value) < 0 : order.compare(value, lower.value) <= 0);
  if (upper !== undefined && lower !== undefined) {
    const range = `${lower.inclusive ? '[' : '('}${order.show(lower.value)}, ${order.show(upper.value)}${upper.inclusive ? ']' : ')'}`;
    if (order.compare(upper.value, lower.value) > 0) {
      const broken = failsUpper ? upper : failsLower ? lower : undefined;
      if (broken !== undefined)
        out.push(finding(`${family}.${broken.name}`, `must be inside range ${range}, got ${got}`));
    } else if (failsUpper && failsLower) {
      const outside = `${upper.inclusive ? '(' : '['}${order.show(upper.value)}, ${order.show(lower.value)}${lower.inclusive ? ')' : ']'}`;
      out.push(finding(`${family}.range`, `must be outside range ${outside}, got ${got}`));
    }
  } else if (upper !== undefined && failsUpper) {
    out.push(
      finding(
        `${family}.${upper.name}`,
        `must be less than ${upper.inclusive ? 'or equal to ' : ''}${order.show(upper.value)}, got ${got}`,
      ),
    );
  } else if (lower !== undefined && failsLower) {
    out.push(
      finding(
        `${family}.${lower.name}`,
        `must be greater than ${lower.inclusive ? 'or equal to ' : ''}${order.show(lower.value)}, got ${got}`,
      ),
    );
  }

  if (rules.in !== undefined && rules.in.length > 0 && !rules.in.some((x) => order.compare(value, x) === 0)) {
    out.push(finding(`${family}.in`, `must be one of ${list(rules.in)}, got ${got}`));
  }
  if (rules.notIn !== undefined && rules.notIn.some((x) => order.compare(value, x) === 0)) {
    out.push(finding(`${family}.not_in`, `must not be one of ${list(rules.notIn)}, got ${got}`));
  }
  return out;
}

function upperBound<T>(rules: OrderedRules<T>): Bound<T> | undefined {
  if (rules.lt !== undefined) return { name: 'lt', value: rules.lt, inclusive: false };
  if (rules.lte !== undefined) return { name: 'lte', value: rules.lte, inclusive: true };
  return undefined;
}

function lowerBound<T>(rules: OrderedRules<T>): Bound<T> | undefined {
  if (rules.gt !== undefined) return { name: 'gt', value: rules.gt, inclusive: false };
  if (rules.gte !== undefined) return { name: 'gte', value: rules.gte, inclusive: true };
  return undefined;
}
