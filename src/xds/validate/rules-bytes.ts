/**
 * Bytes rules: const, len, min_len, max_len, pattern (RE2 over the bytes read
 * as UTF-8, as Go's PGV does), prefix, suffix, contains, in, not_in, and the
 * well-known ip / ipv4 / ipv6 (4 or 16 bytes).
 */
import type { BytesRules } from '../envoy/gen/validate/validate_pb.js';
import { compilePattern } from './formats.js';
import { presentRules } from './rule-presence.js';
import { count, finding, show, unsupported } from './violation.js';
import type { Finding } from './violation.js';

export const handledBytesRules: ReadonlySet<string> = new Set([
  'const',
  'len',
  'min_len',
  'max_len',
  'pattern',
  'prefix',
  'suffix',
  'contains',
  'in',
  'not_in',
  'ip',
  'ipv4',
  'ipv6',
]);

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(b);
const indexOfBytes = (haystack: Uint8Array, needle: Uint8Array) => Buffer.from(haystack).indexOf(needle);

export function checkBytes(rules: BytesRules, value: Uint8Array): Finding[] {
  const present = presentRules('bytes', rules, handledBytesRules);
  const has = present.names;
  const out: Finding[] = [];
  const fail = (rule: string, message: string) => out.push(finding(`bytes.${rule}`, message));
  const size = BigInt(value.length);

  if (has.has('const') && !sameBytes(value, rules.const)) fail('const', `must equal 0x${hex(rules.const)}`);
  if (has.has('len') && size !== rules.len) fail('len', `length must be ${count(rules.len, 'byte')}, got ${size}`);
  if (has.has('min_len') && size < rules.minLen)
    fail('min_len', `length must be at least ${count(rules.minLen, 'byte')}, got ${size}`);
  if (has.has('max_len') && size > rules.maxLen)
    fail('max_len', `length must be at most ${count(rules.maxLen, 'byte')}, got ${size}`);
  if (
    has.has('prefix') &&
    (value.length < rules.prefix.length || !sameBytes(value.subarray(0, rules.prefix.length), rules.prefix))
  ) {
    fail('prefix', `must start with 0x${hex(rules.prefix)}`);
  }
  if (
    has.has('suffix') &&
    (value.length < rules.suffix.length || !sameBytes(value.subarray(value.length - rules.suffix.length), rules.suffix))
  ) {
    fail('suffix', `must end with 0x${hex(rules.suffix)}`);
  }
  if (has.has('contains') && indexOfBytes(value, rules.contains) < 0)
    fail('contains', `must contain 0x${hex(rules.contains)}`);
  if (rules.in.length > 0 && !rules.in.some((x) => sameBytes(value, x)))
    fail('in', `must be one of ${rules.in.length} listed values`);
  if (rules.notIn.some((x) => sameBytes(value, x)))
    fail('not_in', `must not be one of ${rules.notIn.length} listed values`);

  if (has.has('pattern')) {
    const regex = compilePattern(rules.pattern);
    if (regex === undefined)
      out.push(unsupported('bytes.pattern', `RE2 pattern ${show(rules.pattern)} has no JavaScript equivalent`));
    else if (!regex.test(new TextDecoder().decode(value))) fail('pattern', `must match ${show(rules.pattern)}`);
  }

  const wk = rules.wellKnown;
  if (wk.case === 'ip' && wk.value && value.length !== 4 && value.length !== 16)
    fail('ip', `must be 4 or 16 bytes, got ${size}`);
  if (wk.case === 'ipv4' && wk.value && value.length !== 4) fail('ipv4', `must be 4 bytes, got ${size}`);
  if (wk.case === 'ipv6' && wk.value && value.length !== 16) fail('ipv6', `must be 16 bytes, got ${size}`);
  return [...out, ...present.unsupported];
}
