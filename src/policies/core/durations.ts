/**
 * Durations in policy checks: a positive-duration schema for settings where 0
 * means nothing useful (back-off, probe and ejection intervals), and the
 * millisecond value of a duration for comparing two of them or a minimum.
 */
import type { TString } from '@sinclair/typebox';
import { Duration, DURATION_PATTERN } from '../../api/primitives.js';

/** A `Duration()` that rejects zero; `example` completes the error message ("like 10s"). */
export const PositiveDuration = (example: string, description?: string): TString =>
  Duration({
    pattern: DURATION_PATTERN.replace('^', '^(?=.*[1-9])'),
    errorMessage: `must be a duration greater than 0, like ${example}`,
    ...(description !== undefined ? { description } : {}),
  });

const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration already accepted by `Duration()` in milliseconds. */
export function durationMs(duration: string): number {
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g))
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  return total;
}
