/**
 * Enum rules: const, defined_only, in, not_in. Values are the numbers on the
 * wire, so an open (proto3) enum can hold a number its descriptor does not
 * define; `defined_only` is what rejects it, as Envoy does for e.g.
 * Cluster.lb_policy.
 */
import type { DescEnum } from '@bufbuild/protobuf';
import type { EnumRules } from '../envoy/gen/validate/validate_pb.js';
import { presentRules } from './rule-presence.js';
import { finding } from './violation.js';
import type { Finding } from './violation.js';

export const handledEnumRules: ReadonlySet<string> = new Set(['const', 'defined_only', 'in', 'not_in']);

export function checkEnum(rules: EnumRules, desc: DescEnum, value: number): Finding[] {
  const present = presentRules('enum', rules, handledEnumRules);
  const name = (n: number) => desc.values.find((v) => v.number === n)?.name ?? String(n);
  const out: Finding[] = [];
  if (present.names.has('const') && value !== rules.const) {
    out.push(finding('enum.const', `must be ${name(rules.const)}, got ${name(value)}`));
  }
  if (rules.definedOnly && !desc.values.some((v) => v.number === value)) {
    out.push(finding('enum.defined_only', `must be a defined value of ${desc.typeName}, got ${value}`));
  }
  if (rules.in.length > 0 && !rules.in.includes(value)) {
    out.push(finding('enum.in', `must be one of [${rules.in.map(name).join(', ')}], got ${name(value)}`));
  }
  if (rules.notIn.includes(value)) {
    out.push(finding('enum.not_in', `must not be one of [${rules.notIn.map(name).join(', ')}], got ${name(value)}`));
  }
  return [...out, ...present.unsupported];
}
