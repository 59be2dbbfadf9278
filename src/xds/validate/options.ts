/**
 * Reads the protoc-gen-validate options that Envoy's .proto files carry, from
 * the descriptors embedded in the protobuf-es generated code:
 *
 *   (validate.rules)    on a field    → FieldRules      fieldRulesOf(field)
 *   (validate.required) on a oneof    → boolean         isRequiredOneof(oneof)
 *   (validate.disabled) on a message  → boolean         isValidationDisabled(message)
 *
 * Decoding an option parses the descriptor's unknown-field bytes, so each answer
 * is cached per descriptor (descriptors live as long as the generated module).
 */
import { getOption, hasOption } from '@bufbuild/protobuf';
import type { DescField, DescMessage, DescOneof } from '@bufbuild/protobuf';
import { disabled, required, rules } from '../envoy/gen/validate/validate_pb.js';
import type { FieldRules } from '../envoy/gen/validate/validate_pb.js';

const fieldRulesCache = new WeakMap<DescField, FieldRules | null>();
const disabledCache = new WeakMap<DescMessage, boolean>();
const requiredCache = new WeakMap<DescOneof, boolean>();

/** The field's `(validate.rules)`, or undefined when it has none. */
export function fieldRulesOf(field: DescField): FieldRules | undefined {
  let cached = fieldRulesCache.get(field);
  if (cached === undefined) {
    cached = hasOption(field, rules) ? getOption(field, rules) : null;
    fieldRulesCache.set(field, cached);
  }
  return cached ?? undefined;
}

/** `option (validate.disabled) = true`: no rule of this message, nor below it, is checked. */
export function isValidationDisabled(message: DescMessage): boolean {
  let cached = disabledCache.get(message);
  if (cached === undefined) {
    cached = hasOption(message, disabled) && getOption(message, disabled);
    disabledCache.set(message, cached);
  }
  return cached;
}

/** `option (validate.required) = true` on a oneof: one of its fields must be set. */
export function isRequiredOneof(oneof: DescOneof): boolean {
  let cached = requiredCache.get(oneof);
  if (cached === undefined) {
    cached = hasOption(oneof, required) && getOption(oneof, required);
    requiredCache.set(oneof, cached);
  }
  return cached;
}
