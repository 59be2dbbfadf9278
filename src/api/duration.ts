/**
 * Durations as Kuma and Go write them ("15s", "1m30s", "250ms", "1d"), for
 * schema checks, policy semantics and command-line flags alike.
 *
 * A duration is at most Go's longest (2562047h47m16.854775807s, about 292
 * years): Kuma refuses longer ones, and the engine turns durations into
 * protobuf Durations, whose seconds Envoy also bounds. The schemas check it
 * through the format registered here (DURATION_FORMAT), since a pattern cannot.
 */
import { FormatRegistry } from '@sinclair/typebox';

/** Go-style duration as Kuma writes them: "15s", "1m30s", "250ms", "0s". */
export const DURATION_PATTERN = '^(0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$';
/** Durations that may also use days, as Mesh certificate rotation does ("1d"). */
export const LONG_DURATION_PATTERN = '^(0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h|d))+)$';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const longDuration = new RegExp(LONG_DURATION_PATTERN);

/** Milliseconds of a duration the schema already accepted. */
export function durationMs(duration: string): number {
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h|d)/g))
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  return total;
}

/** Go's longest duration (2^63 - 1 nanoseconds), in milliseconds. */
export const MAX_DURATION_MS = 9_223_372_036_854.775;

/** The schema format of a duration no longer than MAX_DURATION_MS (syntax is the pattern's job). */
export const DURATION_FORMAT = 'koguma-duration';
export const DURATION_FORMAT_REASON = 'must be at most 2562047h (the longest duration Go and Kuma accept)';
FormatRegistry.Set(DURATION_FORMAT, (value) => durationMs(value) <= MAX_DURATION_MS);

/** A flag's duration in milliseconds; throws an Error that completes "<flag> ...". */
export function parseDuration(raw: string): number {
  const text = raw.trim();
  if (!longDuration.test(text) || text === '0') throw new Error('must be a duration like 500ms, 30s or 5m');
  return Math.round(durationMs(text));
}

/** 250 → "250ms", 1500 → "1.5s", 90000 → "1m30s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}
