/**
 * Walks a message with protobuf-es reflection and applies the PGV rules of
 * every field it meets, the way Envoy's generated Validate() does, and further:
 *
 *   message ─┬─ (validate.disabled)?  stop here, nothing below is checked
 *            ├─ each required oneof   one of its fields must be set
 *            └─ each field ──┬─ scalar / enum       its rules (implicit presence:
 *                            │                      checked even when zero)
 *                            ├─ message             its rules, then walk it
 *                            │                      unless `message.skip`
 *                            ├─ repeated            collection rules, then each
 *                            │                      item with `repeated.items`
 *                            └─ map                 collection rules, then each
 *                                                   key (`map.keys`) and value
 *   google.protobuf.Any ─ resolve its type in the registry, decode, walk the
 *                         packed message at the same path. An unknown type is
 *                         `any.known_type`: Envoy rejects what it cannot unpack.
 *
 * Fields of a oneof other than the selected one are not checked, and neither
 * are unset fields with explicit presence (proto3 `optional`). Unset message
 * fields only answer to `required` rules.
 */
import { fromBinary, isMessage } from '@bufbuild/protobuf';
import type { DescField, Registry } from '@bufbuild/protobuf';
import { isReflectMessage, reflect } from '@bufbuild/protobuf/reflect';
import type { ReflectMessage, ScalarValue } from '@bufbuild/protobuf/reflect';
import { AnySchema, FeatureSet_FieldPresence } from '@bufbuild/protobuf/wkt';
import type { FieldRules } from '../envoy/gen/validate/validate_pb.js';
import { checkValue } from './check-value.js';
import type { Slot } from './check-value.js';
import { fieldRulesOf, isRequiredOneof, isValidationDisabled } from './options.js';
import { fieldPath, finding, indexPath, keyPath, show, UNSUPPORTED_RULE } from './violation.js';
import type { Finding, Violation } from './violation.js';

export interface WalkContext {
  /** Where Any type URLs are resolved. */
  readonly registry: Registry;
  /** "Now" for timestamp lt_now / gt_now / within, in nanoseconds since the epoch. */
  readonly nowNanos: bigint;
  /** Violations found so far, in walk order. */
  readonly out: Violation[];
}

export function walkMessage(ctx: WalkContext, msg: ReflectMessage, path: string): void {
  if (msg.desc.typeName === 'google.protobuf.Any') {
    walkAny(ctx, msg, path);
    return;
  }
  if (isValidationDisabled(msg.desc)) return;
  for (const member of msg.members) {
    if (member.kind === 'field') {
      walkField(ctx, msg, member, fieldPath(path, member.name));
      continue;
    }
    const selected = msg.oneofCase(member);
    if (selected !== undefined) walkField(ctx, msg, selected, fieldPath(path, selected.name));
    else if (isRequiredOneof(member)) {
      const names = member.fields.map((f) => f.name).join(', ');
      report(ctx, fieldPath(path, member.name), [finding('oneof.required', `one of [${names}] must be set`)]);
    }
  }
}

function walkField(ctx: WalkContext, msg: ReflectMessage, field: DescField, path: string): void {
  const rules = fieldRulesOf(field);
  switch (field.fieldKind) {
    case 'scalar':
      if (field.presence !== FeatureSet_FieldPresence.IMPLICIT && !msg.isSet(field)) return;
      checkElement(ctx, rules, { kind: 'scalar', scalar: field.scalar, value: msg.get(field) }, path);
      return;
    case 'enum':
      if (field.presence !== FeatureSet_FieldPresence.IMPLICIT && !msg.isSet(field)) return;
      checkElement(ctx, rules, { kind: 'enum', desc: field.enum, value: msg.get(field) }, path);
      return;
    case 'message':
      checkElement(
        ctx,
        rules,
        { kind: 'message', desc: field.message, value: msg.isSet(field) ? msg.get(field) : undefined },
        path,
      );
      return;
    case 'list': {
      const list = msg.get(field);
      const values = [...list];
      if (rules !== undefined) {
        const items =
          field.listKind === 'message'
            ? { kind: 'message' as const, size: values.length }
            : { kind: 'values' as const, values };
        report(ctx, path, checkValue(rules, { kind: 'list', items }, ctx.nowNanos));
      }
      const itemRules = rules?.type.case === 'repeated' ? rules.type.value.items : undefined;
      values.forEach((item, index) => checkElement(ctx, itemRules, elementSlot(field, item), indexPath(path, index)));
      return;
    }
    case 'map': {
      // A message-valued entry can only be missing in the plain object behind
      // the map (reflection would hand out an empty message), so look there.
      const local =
        (msg.message as unknown as Record<string, Record<string, unknown> | undefined>)[field.localName] ?? {};
      const missing = new Set(Object.keys(local).filter((k) => local[k] === undefined || local[k] === null));
      const map = msg.get(field);
      if (rules !== undefined)
        report(ctx, path, checkValue(rules, { kind: 'map', size: map.size, sparse: missing.size }, ctx.nowNanos));
      const mapRules = rules?.type.case === 'map' ? rules.type.value : undefined;
      for (const [key, value] of map) {
        const at = keyPath(path, key);
        if (mapRules?.keys !== undefined) {
          const keyFindings = checkValue(
            mapRules.keys,
            { kind: 'scalar', scalar: field.mapKey, value: key as ScalarValue },
            ctx.nowNanos,
          );
          report(
            ctx,
            at,
            keyFindings.map((f) => (f.rule === UNSUPPORTED_RULE ? f : { ...f, rule: `map.keys.${f.rule}` })),
          );
        }
        if (!missing.has(String(key))) checkElement(ctx, mapRules?.values, elementSlot(field, value), at);
      }
      return;
    }
  }
}

/** The rules of one value, then, for a set message, the message's own rules. */
function checkElement(ctx: WalkContext, rules: FieldRules | undefined, slot: Slot, path: string): void {
  if (rules !== undefined) report(ctx, path, checkValue(rules, slot, ctx.nowNanos));
  if (slot.kind === 'message' && slot.value !== undefined && rules?.message?.skip !== true)
    walkMessage(ctx, slot.value, path);
}

/** A slot for one item of a list or one value of a map, as reflection hands them out. */
function elementSlot(field: DescField & { fieldKind: 'list' | 'map' }, value: unknown): Slot {
  const kind = field.fieldKind === 'list' ? field.listKind : field.mapKind;
  if (kind === 'message' && field.message !== undefined) {
    return { kind: 'message', desc: field.message, value: isReflectMessage(value) ? value : undefined };
  }
  if (kind === 'enum' && field.enum !== undefined) return { kind: 'enum', desc: field.enum, value: value as number };
  if (field.scalar === undefined) throw new Error(`${field.toString()}: element without a type`);
  return { kind: 'scalar', scalar: field.scalar, value: value as ScalarValue };
}

function walkAny(ctx: WalkContext, msg: ReflectMessage, path: string): void {
  const any = msg.message;
  if (!isMessage(any, AnySchema)) return;
  const typeName = any.typeUrl.slice(any.typeUrl.lastIndexOf('/') + 1);
  const desc = typeName === '' ? undefined : ctx.registry.getMessage(typeName);
  if (desc === undefined) {
    const why =
      any.typeUrl === ''
        ? 'has no type_url'
        : `type ${show(any.typeUrl)} is not in the registry; Envoy rejects a type it does not know`;
    report(ctx, path, [finding('any.known_type', `packed message ${why}`)]);
    return;
  }
  let packed;
  try {
    packed = fromBinary(desc, any.value);
  } catch (error) {
    report(ctx, path, [
      finding('any.decode', `cannot decode ${typeName}: ${error instanceof Error ? error.message : String(error)}`),
    ]);
    return;
  }
  walkMessage(ctx, reflect(desc, packed), path);
}

function report(ctx: WalkContext, path: string, findings: readonly Finding[]): void {
  for (const f of findings) ctx.out.push({ path, rule: f.rule, message: f.message });
}
