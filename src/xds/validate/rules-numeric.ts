/**
 * Numeric rules for every width PGV knows (float, double, int32, int64, uint32,
 * uint64, sint32, sint64, fixed32, fixed64, sfixed32, sfixed64): const, lt,
 * lte, gt, gte, in, not_in; and bool const.
 *
 * 64-bit values are compared as bigint (protobuf-es reflection hands them over
 * as bigint, also for `jstype = JS_STRING`), everything else as number.
 * The same rules apply to a google.protobuf.*Value wrapper's `value`
 * (check-value.ts unwraps it).
 */
import type { Message } from '@bufbuild/protobuf';
import type { BoolRules } from '../envoy/gen/validate/validate_pb.js';
import { checkOrdered } from './ordered.js';
import type { Ordering } from './ordered.js';
import { presentRules } from './rule-presence.js';
import { finding } from './violation.js';
import type { Finding } from './violation.js';

export const numericFamilies = [
  'float',
  'double',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
] as const;
export type NumericFamily = (typeof numericFamilies)[number];

/** The shape every validate.*Rules numeric message shares (Int32Rules, UInt64Rules, …). */
export type NumericRules = Message & {
  const: number | bigint;
  lt: number | bigint;
  lte: number | bigint;
  gt: number | bigint;
  gte: number | bigint;
  in: (number | bigint)[];
  notIn: (number | bigint)[];
};

export const handledNumericRules: ReadonlySet<string> = new Set(['const', 'lt', 'lte', 'gt', 'gte', 'in', 'not_in']);
export const handledBoolRules: ReadonlySet<string> = new Set(['const']);

const is64Bit = (family: NumericFamily) => family.endsWith('64') && family !== 'float';

const bigintOrder: Ordering<bigint> = {
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  show: String,
};

const numberOrder: Ordering<number> = {
  // NaN compares as NaN, so that bounds let it through as PGV does.
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.NaN),
  show: String,
};

export function checkNumeric(family: NumericFamily, rules: NumericRules, value: number | bigint): Finding[] {
  const present = presentRules(family, rules, handledNumericRules);
  const has = present.names;
  if (is64Bit(family)) {
    const big = (v: number | bigint) => BigInt(v);
    return [
      ...checkOrdered(
        family,
        big(value),
        {
          const: has.has('const') ? big(rules.const) : undefined,
          lt: has.has('lt') ? big(rules.lt) : undefined,
          lte: has.has('lte') ? big(rules.lte) : undefined,
          gt: has.has('gt') ? big(rules.gt) : undefined,
          gte: has.has('gte') ? big(rules.gte) : undefined,
          in: rules.in.map(big),
          notIn: rules.notIn.map(big),
        },
        bigintOrder,
      ),
      ...present.unsupported,
    ];
  }
  const num = (v: number | bigint) => Number(v);
  return [
    ...checkOrdered(
      family,
      num(value),
      {
        const: has.has('const') ? num(rules.const) : undefined,
        lt: has.has('lt') ? num(rules.lt) : undefined,
        lte: has.has('lte') ? num(rules.lte) : undefined,
        gt: has.has('gt') ? num(rules.gt) : undefined,
        gte: has.has('gte') ? num(rules.gte) : undefined,
        in: rules.in.map(num),
        notIn: rules.notIn.map(num),
      },
      numberOrder,
    ),
    ...present.unsupported,
  ];
}

export function checkBool(rules: BoolRules, value: boolean): Finding[] {
  const present = presentRules('bool', rules, handledBoolRules);
  const out: Finding[] = [];
  if (present.names.has('const') && value !== rules.const) {
    out.push(finding('bool.const', `must be ${rules.const}, got ${value}`));
  }
  return [...out, ...present.unsupported];
}
