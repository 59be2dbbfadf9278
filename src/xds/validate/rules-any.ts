/**
 * google.protobuf.Any rules: required, in, not_in (on the full type URL).
 *
 * Whether the packed type is known, and the rules of the packed message, are
 * the walker's business (walk.ts): they apply to every Any, with or without
 * rules on its field.
 *
 * PGV also accepts `any` rules on a field of another message type, and Envoy
 * uses that once (ExtensionConfigSource.config_source, a ConfigSource, has
 * `any = {required: true}`): there `required` means "set", as for
 * message.required, and the type URL rules have nothing to look at.
 */
import { isMessage } from '@bufbuild/protobuf';
import type { Message } from '@bufbuild/protobuf';
import { AnySchema } from '@bufbuild/protobuf/wkt';
import type { AnyRules } from '../envoy/gen/validate/validate_pb.js';
import { presentRules } from './rule-presence.js';
import { finding, show, unsupported } from './violation.js';
import type { Finding } from './violation.js';

export const handledAnyRules: ReadonlySet<string> = new Set(['required', 'in', 'not_in']);

/** `value` is undefined when the field is unset. */
export function checkAny(rules: AnyRules, value: Message | undefined): Finding[] {
  const present = presentRules('any', rules, handledAnyRules);
  if (value === undefined) {
    return [...(rules.required ? [finding('any.required', 'must be set')] : []), ...present.unsupported];
  }
  if (!isMessage(value, AnySchema)) {
    const typeRules = rules.in.length > 0 || rules.notIn.length > 0;
    return [
      ...(typeRules ? [unsupported('any.in', `type URL rules on a ${value.$typeName} field`)] : []),
      ...present.unsupported,
    ];
  }
  const out: Finding[] = [];
  if (rules.in.length > 0 && !rules.in.includes(value.typeUrl)) {
    out.push(finding('any.in', `type must be one of [${rules.in.join(', ')}], got ${show(value.typeUrl)}`));
  }
  if (rules.notIn.includes(value.typeUrl)) {
    out.push(finding('any.not_in', `type must not be one of [${rules.notIn.join(', ')}], got ${show(value.typeUrl)}`));
  }
  return [...out, ...present.unsupported];
}
