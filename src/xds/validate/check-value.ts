/**
 * Applies one field's FieldRules to one value: a singular field, one item of a
 * repeated field, or one key or value of a map.
 *
 *   FieldRules ──┬─ message {required, skip}       here (skip: walk.ts)
 *                └─ type oneof ─┬─ numeric, bool   rules-numeric.ts
 *                               ├─ string          rules-string.ts
 *                               ├─ bytes           rules-bytes.ts
 *                               ├─ enum            rules-enum.ts
 *                               ├─ duration, timestamp   rules-time.ts
 *                               ├─ any             rules-any.ts
 *                               └─ repeated, map   rules-collection.ts; their
 *                                  items / keys / values: walk.ts, per element
 *
 * Scalar rules on a google.protobuf.*Value wrapper apply to its `value` when
 * the wrapper is set, as in PGV. Rules whose type does not fit the field (PGV
 * refuses to generate such code) are reported as unsupported.
 */
import { ScalarType } from '@bufbuild/protobuf';
import type { DescEnum, DescMessage } from '@bufbuild/protobuf';
import type { ReflectMessage, ScalarValue } from '@bufbuild/protobuf/reflect';
import type { FieldRules } from '../envoy/gen/validate/validate_pb.js';
import { checkAny } from './rules-any.js';
import { checkBytes } from './rules-bytes.js';
import { checkEnum } from './rules-enum.js';
import { checkMap, checkRepeated } from './rules-collection.js';
import type { Items } from './rules-collection.js';
import { checkBool, checkNumeric } from './rules-numeric.js';
import type { NumericFamily } from './rules-numeric.js';
import { checkString } from './rules-string.js';
import { checkDuration, checkTimestamp } from './rules-time.js';
import { presentRules } from './rule-presence.js';
import { finding, unsupported } from './violation.js';
import type { Finding } from './violation.js';

/**
 * One value and what type it has; an unset message field has `value: undefined`.
 * A whole repeated or map field is a slot too, for the collection rules.
 */
export type Slot =
  | { readonly kind: 'scalar'; readonly scalar: ScalarType; readonly value: ScalarValue }
  | { readonly kind: 'enum'; readonly desc: DescEnum; readonly value: number }
  | { readonly kind: 'message'; readonly desc: DescMessage; readonly value: ReflectMessage | undefined }
  | { readonly kind: 'list'; readonly items: Items }
  | { readonly kind: 'map'; readonly size: number; readonly sparse: number };

type ScalarFamily = NumericFamily | 'bool' | 'string' | 'bytes';

/** The scalar type each rule family applies to, and its wrapper message, if any. */
const scalarFamilies: Readonly<Record<ScalarFamily, { scalar: ScalarType; wrapper?: string }>> = {
  float: { scalar: ScalarType.FLOAT, wrapper: 'google.protobuf.FloatValue' },
  double: { scalar: ScalarType.DOUBLE, wrapper: 'google.protobuf.DoubleValue' },
  int32: { scalar: ScalarType.INT32, wrapper: 'google.protobuf.Int32Value' },
  int64: { scalar: ScalarType.INT64, wrapper: 'google.protobuf.Int64Value' },
  uint32: { scalar: ScalarType.UINT32, wrapper: 'google.protobuf.UInt32Value' },
  uint64: { scalar: ScalarType.UINT64, wrapper: 'google.protobuf.UInt64Value' },
  sint32: { scalar: ScalarType.SINT32 },
  sint64: { scalar: ScalarType.SINT64 },
  fixed32: { scalar: ScalarType.FIXED32 },
  fixed64: { scalar: ScalarType.FIXED64 },
  sfixed32: { scalar: ScalarType.SFIXED32 },
  sfixed64: { scalar: ScalarType.SFIXED64 },
  bool: { scalar: ScalarType.BOOL, wrapper: 'google.protobuf.BoolValue' },
  string: { scalar: ScalarType.STRING, wrapper: 'google.protobuf.StringValue' },
  bytes: { scalar: ScalarType.BYTES, wrapper: 'google.protobuf.BytesValue' },
};

const handledFieldRules: ReadonlySet<string> = new Set([
  'message',
  ...Object.keys(scalarFamilies),
  'enum',
  'repeated',
  'map',
  'any',
  'duration',
  'timestamp',
]);
const handledMessageRules: ReadonlySet<string> = new Set(['required', 'skip']);

function describe(slot: Slot): string {
  switch (slot.kind) {
    case 'scalar':
      return `${ScalarType[slot.scalar].toLowerCase()} field`;
    case 'enum':
      return 'enum field';
    case 'message':
      return `${slot.desc.typeName} field`;
    case 'list':
      return 'repeated field';
    case 'map':
      return 'map field';
  }
}

const mismatch = (family: string, slot: Slot) => [unsupported(family, `${family} rules on a ${describe(slot)}`)];

export function checkValue(rules: FieldRules, slot: Slot, nowNanos: bigint): Finding[] {
  const out = [...presentRules('rules', rules, handledFieldRules).unsupported];
  if (rules.message !== undefined) {
    out.push(...presentRules('message', rules.message, handledMessageRules).unsupported);
    if (rules.message.required) {
      if (slot.kind !== 'message') out.push(...mismatch('message.required', slot));
      else if (slot.value === undefined) out.push(finding('message.required', 'must be set'));
    }
  }
  out.push(...checkType(rules, slot, nowNanos));
  return out;
}

function checkType(rules: FieldRules, slot: Slot, nowNanos: bigint): Finding[] {
  const type = rules.type;
  switch (type.case) {
    case undefined:
      return [];
    case 'enum':
      return slot.kind === 'enum' ? checkEnum(type.value, slot.desc, slot.value) : mismatch('enum', slot);
    case 'duration':
      return isMessageOf(slot, 'google.protobuf.Duration')
        ? checkDuration(type.value, slot.value?.message)
        : mismatch('duration', slot);
    case 'timestamp':
      return isMessageOf(slot, 'google.protobuf.Timestamp')
        ? checkTimestamp(type.value, slot.value?.message, nowNanos)
        : mismatch('timestamp', slot);
    case 'any':
      // Not only on Any fields: see rules-any.ts.
      return slot.kind === 'message' ? checkAny(type.value, slot.value?.message) : mismatch('any', slot);
    case 'repeated':
      return slot.kind === 'list' ? checkRepeated(type.value, slot.items) : mismatch('repeated', slot);
    case 'map':
      return slot.kind === 'map' ? checkMap(type.value, slot.size, slot.sparse) : mismatch('map', slot);
    case 'bool':
      return withScalar(type.case, slot, (v) =>
        typeof v === 'boolean' ? checkBool(type.value, v) : mismatch('bool', slot),
      );
    case 'string':
      return withScalar(type.case, slot, (v) =>
        typeof v === 'string' ? checkString(type.value, v) : mismatch('string', slot),
      );
    case 'bytes':
      return withScalar(type.case, slot, (v) =>
        v instanceof Uint8Array ? checkBytes(type.value, v) : mismatch('bytes', slot),
      );
    default: {
      const family = type.case;
      return withScalar(family, slot, (v) =>
        typeof v === 'number' || typeof v === 'bigint' ? checkNumeric(family, type.value, v) : mismatch(family, slot),
      );
    }
  }
}

const isMessageOf = (slot: Slot, typeName: string): slot is Extract<Slot, { kind: 'message' }> =>
  slot.kind === 'message' && slot.desc.typeName === typeName;

/** Runs `check` on the scalar, or on the wrapper's value when the wrapper is set. */
function withScalar(family: ScalarFamily, slot: Slot, check: (value: ScalarValue) => Finding[]): Finding[] {
  const expected = scalarFamilies[family];
  if (slot.kind === 'scalar' && slot.scalar === expected.scalar) return check(slot.value);
  if (slot.kind === 'message' && slot.desc.typeName === expected.wrapper) {
    if (slot.value === undefined) return [];
    const valueField = slot.desc.fields[0];
    if (valueField === undefined || valueField.fieldKind !== 'scalar') return mismatch(family, slot);
    return check(slot.value.get(valueField));
  }
  return mismatch(family, slot);
}
