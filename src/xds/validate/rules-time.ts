/**
 * google.protobuf.Duration and Timestamp rules.
 *
 * duration:  required, const, lt, lte, gt, gte, in, not_in
 * timestamp: required, const, lt, lte, gt, gte, lt_now, gt_now, within
 *
 * Values are compared as whole nanoseconds (bigint), so `gt: {}` on a
 * connect_timeout of 0s fails and 1ns passes. A value outside the range the
 * type allows (|nanos| ≥ 1e9, mixed signs, beyond ±10000 years) fails as
 * `duration.valid` / `timestamp.valid`, as PGV's Go validator does, because
 * Envoy refuses such values while converting them. `now` for lt_now, gt_now
 * and within comes from the caller, so tests can pin it.
 */
import { isMessage } from '@bufbuild/protobuf';
import type { Message } from '@bufbuild/protobuf';
import { DurationSchema, TimestampSchema } from '@bufbuild/protobuf/wkt';
import type { Duration, Timestamp } from '@bufbuild/protobuf/wkt';
import type { DurationRules, TimestampRules } from '../envoy/gen/validate/validate_pb.js';
import { checkOrdered } from './ordered.js';
import type { Ordering } from './ordered.js';
import { presentRules } from './rule-presence.js';
import { finding } from './violation.js';
import type { Finding } from './violation.js';

export const handledDurationRules: ReadonlySet<string> = new Set([
  'required',
  'const',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'not_in',
]);
export const handledTimestampRules: ReadonlySet<string> = new Set([
  'required',
  'const',
  'lt',
  'lte',
  'gt',
  'gte',
  'lt_now',
  'gt_now',
  'within',
]);

const NANOS_PER_SECOND = 1_000_000_000n;
const MAX_DURATION_SECONDS = 315_576_000_000n;
const MIN_TIMESTAMP_SECONDS = -62_135_596_800n; // 0001-01-01T00:00:00Z
const MAX_TIMESTAMP_SECONDS = 253_402_300_799n; // 9999-12-31T23:59:59Z

/** Seconds and nanos as one number of nanoseconds. */
export const toNanos = (value: { seconds: bigint; nanos: number }): bigint =>
  value.seconds * NANOS_PER_SECOND + BigInt(value.nanos);

/** 1.5s, 0.001s, -2s: the protobuf JSON spelling of a duration. */
export function showDuration(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  const fraction = (abs % NANOS_PER_SECOND).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${abs / NANOS_PER_SECOND}${fraction === '' ? '' : `.${fraction}`}s`;
}

function showTimestamp(nanos: bigint): string {
  const millis = nanos / 1_000_000n;
  const date = new Date(Number(millis));
  return Number.isNaN(date.getTime()) ? `${nanos}ns since epoch` : date.toISOString();
}

const order = (show: (nanos: bigint) => string): Ordering<bigint> => ({
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  show,
});
const durationOrder = order(showDuration);
const timestampOrder = order(showTimestamp);

const isValidDuration = (d: Duration) =>
  d.seconds >= -MAX_DURATION_SECONDS &&
  d.seconds <= MAX_DURATION_SECONDS &&
  d.nanos > -1_000_000_000 &&
  d.nanos < 1_000_000_000 &&
  !((d.seconds > 0n && d.nanos < 0) || (d.seconds < 0n && d.nanos > 0));

const isValidTimestamp = (t: Timestamp) =>
  t.seconds >= MIN_TIMESTAMP_SECONDS && t.seconds <= MAX_TIMESTAMP_SECONDS && t.nanos >= 0 && t.nanos < 1_000_000_000;

/** `value` is undefined when the field is unset. */
export function checkDuration(rules: DurationRules, value: Message | undefined): Finding[] {
  const present = presentRules('duration', rules, handledDurationRules);
  if (value === undefined) {
    return [...(rules.required ? [finding('duration.required', 'must be set')] : []), ...present.unsupported];
  }
  if (!isMessage(value, DurationSchema))
    return [finding('duration.valid', `must be a google.protobuf.Duration, got ${value.$typeName}`)];
  if (!isValidDuration(value)) {
    return [
      finding('duration.valid', `must be a valid duration, got ${value.seconds}s ${value.nanos}ns`),
      ...present.unsupported,
    ];
  }
  const at = (d: Duration | undefined) => (d === undefined ? undefined : toNanos(d));
  return [
    ...checkOrdered(
      'duration',
      toNanos(value),
      {
        const: at(rules.const),
        lt: at(rules.lt),
        lte: at(rules.lte),
        gt: at(rules.gt),
        gte: at(rules.gte),
        in: rules.in.map(toNanos),
        notIn: rules.notIn.map(toNanos),
      },
      durationOrder,
    ),
    ...present.unsupported,
  ];
}

/** `value` is undefined when the field is unset; `now` is in nanoseconds since the epoch. */
export function checkTimestamp(rules: TimestampRules, value: Message | undefined, now: bigint): Finding[] {
  const present = presentRules('timestamp', rules, handledTimestampRules);
  if (value === undefined) {
    return [...(rules.required ? [finding('timestamp.required', 'must be set')] : []), ...present.unsupported];
  }
  if (!isMessage(value, TimestampSchema))
    return [finding('timestamp.valid', `must be a google.protobuf.Timestamp, got ${value.$typeName}`)];
  if (!isValidTimestamp(value)) {
    return [
      finding('timestamp.valid', `must be a valid timestamp, got ${value.seconds}s ${value.nanos}ns`),
      ...present.unsupported,
    ];
  }
  const ts = toNanos(value);
  const at = (t: Timestamp | undefined) => (t === undefined ? undefined : toNanos(t));
  const out = checkOrdered(
    'timestamp',
    ts,
    {
      const: at(rules.const),
      lt: at(rules.lt),
      lte: at(rules.lte),
      gt: at(rules.gt),
      gte: at(rules.gte),
    },
    timestampOrder,
  );

  const within = rules.within === undefined ? undefined : toNanos(rules.within);
  const got = showTimestamp(ts);
  if (rules.ltNow) {
    if (ts >= now || (within !== undefined && ts < now - within)) {
      out.push(
        finding(
          'timestamp.lt_now',
          `must be before now${within === undefined ? '' : ` and within ${showDuration(within)}`}, got ${got}`,
        ),
      );
    }
  } else if (rules.gtNow) {
    if (ts <= now || (within !== undefined && ts > now + within)) {
      out.push(
        finding(
          'timestamp.gt_now',
          `must be after now${within === undefined ? '' : ` and within ${showDuration(within)}`}, got ${got}`,
        ),
      );
    }
  } else if (within !== undefined && (ts < now - within || ts > now + within)) {
    out.push(finding('timestamp.within', `must be within ${showDuration(within)} of now, got ${got}`));
  }
  return [...out, ...present.unsupported];
}
