/**
 * Durations in policy checks: a positive-duration schema for settings where 0
 * means nothing useful (back-off, probe and ejection intervals), and the
 * millisecond value of a duration for comparing two of them or a minimum.
 */
import type { TString } from '@sinclair/typebox';
import { Duration, DURATION_PATTERN } from '../../api/index.js';

/** A `Duration()` that rejects zero; `example` completes the error message ("like 10s"). */
export const PositiveDuration = (example: string, description?: string): TString =>
  Duration({
    pattern: DURATION_PATTERN.replace('^', '^(?=.*[1-9])'),
    errorMessage: `must be a duration greater than 0, like ${example}`,
    ...(description !== undefined ? { description } : {}),
  });

export { durationMs } from '../../api/index.js';
