/**
 * Which rules of a validate.* rules message are present, and which of those a
 * checker does not handle.
 *
 * Presence is proto2 presence: an explicit `gt: 0` or `min_len: 0` is a rule,
 * an absent one is not. Unknown fields (a validate.proto newer than the one we
 * generate from) are rules too, named `#<field number>`, and never handled.
 * Every checker ends with presentRules(...).unsupported, so a rule family that
 * nobody implemented surfaces as UNSUPPORTED_RULE instead of passing.
 *
 * The answer is cached per rules message: those come from descriptor options
 * (cached in options.ts) and are never modified, and each message type is
 * always checked by the same checker, with the same family and handled set.
 */
import { createRegistry, isFieldSet } from '@bufbuild/protobuf';
import type { Message } from '@bufbuild/protobuf';
import { file_validate_validate } from '../envoy/gen/validate/validate_pb.js';
import { unsupported } from './violation.js';
import type { Finding } from './violation.js';

const validateTypes = createRegistry(file_validate_validate);

export interface PresentRules {
  /** Proto names of the present rules: `min_len`, `well_known_regex`, `#27`. */
  readonly names: ReadonlySet<string>;
  /** One finding per present rule outside `handled`. */
  readonly unsupported: readonly Finding[];
}

const cache = new WeakMap<Message, PresentRules>();

export function presentRules(family: string, ruleMessage: Message, handled: ReadonlySet<string>): PresentRules {
  let present = cache.get(ruleMessage);
  if (present === undefined) {
    present = computePresentRules(family, ruleMessage, handled);
    cache.set(ruleMessage, present);
  }
  return present;
}

function computePresentRules(family: string, ruleMessage: Message, handled: ReadonlySet<string>): PresentRules {
  const names = new Set<string>();
  const desc = validateTypes.getMessage(ruleMessage.$typeName);
  if (desc === undefined) throw new Error(`not a validate.proto message: ${ruleMessage.$typeName}`);
  for (const field of desc.fields) {
    if (isFieldSet(ruleMessage, field)) names.add(field.name);
  }
  for (const unknown of ruleMessage.$unknown ?? []) names.add(`#${unknown.no}`);
  const out: Finding[] = [];
  for (const name of names) {
    if (!handled.has(name)) out.push(unsupported(`${family}.${name}`, 'rule not implemented by this validator'));
  }
  return { names, unsupported: out };
}
