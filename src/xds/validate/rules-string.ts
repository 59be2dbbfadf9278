/**
 * String rules: const, len, min_len, max_len (in Unicode code points, PGV's
 * "runes"), len_bytes, min_bytes, max_bytes (UTF-8 bytes), pattern, prefix,
 * suffix, contains, not_contains, in, not_in, the well-known formats hostname,
 * ip, ipv4, ipv6, address, uuid and well_known_regex (HTTP_HEADER_NAME,
 * HTTP_HEADER_VALUE, with `strict`), and ignore_empty.
 *
 * Not implemented, reported as UNSUPPORTED_RULE when set to true: email, uri,
 * uri_ref. PGV's C++ validator, which Envoy runs, does not implement them
 * either ("C++ email address validation is not implemented"), and no Envoy
 * message uses them.
 */
import { KnownRegex } from '../envoy/gen/validate/validate_pb.js';
import type { StringRules } from '../envoy/gen/validate/validate_pb.js';
import {
  compilePattern,
  headerStringLoose,
  httpHeaderName,
  httpHeaderValue,
  isHostname,
  isIp,
  isIpv4,
  isIpv6,
  isUuid,
} from './formats.js';
import { presentRules } from './rule-presence.js';
import { count, finding, show, unsupported } from './violation.js';
import type { Finding } from './violation.js';

export const handledStringRules: ReadonlySet<string> = new Set([
  'const',
  'len',
  'min_len',
  'max_len',
  'len_bytes',
  'min_bytes',
  'max_bytes',
  'pattern',
  'prefix',
  'suffix',
  'contains',
  'not_contains',
  'in',
  'not_in',
  'hostname',
  'ip',
  'ipv4',
  'ipv6',
  'address',
  'uuid',
  'well_known_regex',
  'strict',
  'ignore_empty',
  // Present-but-false is a no-op; true is reported below as unsupported.
  'email',
  'uri',
  'uri_ref',
]);

const runeCount = (value: string): number => {
  let n = 0;
  for (const _ of value) n++;
  return n;
};

export function checkString(rules: StringRules, value: string): Finding[] {
  const present = presentRules('string', rules, handledStringRules);
  if (rules.ignoreEmpty && value === '') return [...present.unsupported];
  const has = present.names;
  const out: Finding[] = [];
  const fail = (rule: string, message: string) => out.push(finding(`string.${rule}`, message));

  if (has.has('const') && value !== rules.const) fail('const', `must equal ${show(rules.const)}, got ${show(value)}`);
  if (rules.in.length > 0 && !rules.in.includes(value))
    fail('in', `must be one of [${rules.in.map(show).join(', ')}], got ${show(value)}`);
  if (rules.notIn.includes(value))
    fail('not_in', `must not be one of [${rules.notIn.map(show).join(', ')}], got ${show(value)}`);

  if (has.has('len') || has.has('min_len') || has.has('max_len')) {
    const runes = runeCount(value);
    if (has.has('len') && BigInt(runes) !== rules.len)
      fail('len', `length must be ${count(rules.len, 'character')}, got ${runes}`);
    if (has.has('min_len') && BigInt(runes) < rules.minLen)
      fail('min_len', `length must be at least ${count(rules.minLen, 'character')}, got ${runes}`);
    if (has.has('max_len') && BigInt(runes) > rules.maxLen)
      fail('max_len', `length must be at most ${count(rules.maxLen, 'character')}, got ${runes}`);
  }
  if (has.has('len_bytes') || has.has('min_bytes') || has.has('max_bytes')) {
    const bytes = BigInt(Buffer.byteLength(value, 'utf8'));
    if (has.has('len_bytes') && bytes !== rules.lenBytes)
      fail('len_bytes', `length must be ${count(rules.lenBytes, 'byte')}, got ${bytes}`);
    if (has.has('min_bytes') && bytes < rules.minBytes)
      fail('min_bytes', `length must be at least ${count(rules.minBytes, 'byte')}, got ${bytes}`);
    if (has.has('max_bytes') && bytes > rules.maxBytes)
      fail('max_bytes', `length must be at most ${count(rules.maxBytes, 'byte')}, got ${bytes}`);
  }

  if (has.has('prefix') && !value.startsWith(rules.prefix)) fail('prefix', `must start with ${show(rules.prefix)}`);
  if (has.has('suffix') && !value.endsWith(rules.suffix)) fail('suffix', `must end with ${show(rules.suffix)}`);
  if (has.has('contains') && !value.includes(rules.contains)) fail('contains', `must contain ${show(rules.contains)}`);
  if (has.has('not_contains') && value.includes(rules.notContains))
    fail('not_contains', `must not contain ${show(rules.notContains)}`);

  if (has.has('pattern')) {
    const regex = compilePattern(rules.pattern);
    if (regex === undefined)
      out.push(unsupported('string.pattern', `RE2 pattern ${show(rules.pattern)} has no JavaScript equivalent`));
    else if (!regex.test(value)) fail('pattern', `must match ${show(rules.pattern)}, got ${show(value)}`);
  }

  out.push(...checkWellKnown(rules, value));
  return [...out, ...present.unsupported];
}

function checkWellKnown(rules: StringRules, value: string): Finding[] {
  const wk = rules.wellKnown;
  const bad = (rule: string, what: string) => [finding(`string.${rule}`, `must be ${what}, got ${show(value)}`)];
  switch (wk.case) {
    case undefined:
      return [];
    case 'hostname':
      return wk.value && !isHostname(value) ? bad('hostname', 'a valid hostname') : [];
    case 'ip':
      return wk.value && !isIp(value) ? bad('ip', 'a valid IP address') : [];
    case 'ipv4':
      return wk.value && !isIpv4(value) ? bad('ipv4', 'a valid IPv4 address') : [];
    case 'ipv6':
      return wk.value && !isIpv6(value) ? bad('ipv6', 'a valid IPv6 address') : [];
    case 'address':
      return wk.value && !isHostname(value) && !isIp(value) ? bad('address', 'a valid hostname or IP address') : [];
    case 'uuid':
      return wk.value && !isUuid(value) ? bad('uuid', 'a valid UUID') : [];
    case 'email':
    case 'uri':
    case 'uriRef': {
      const name = wk.case === 'uriRef' ? 'uri_ref' : wk.case;
      return wk.value
        ? [unsupported(`string.${name}`, 'not implemented here, nor by the C++ validator Envoy runs')]
        : [];
    }
    case 'wellKnownRegex':
      return checkKnownRegex(wk.value, rules.strict, value);
  }
}

function checkKnownRegex(known: KnownRegex, strict: boolean, value: string): Finding[] {
  switch (known) {
    case KnownRegex.UNKNOWN:
      return [];
    case KnownRegex.HTTP_HEADER_NAME:
      return (strict ? httpHeaderName : headerStringLoose).test(value)
        ? []
        : [
            finding(
              'string.well_known_regex',
              `must be a valid HTTP header name${strict ? '' : ' (no NUL, CR or LF)'}, got ${show(value)}`,
            ),
          ];
    case KnownRegex.HTTP_HEADER_VALUE:
      return (strict ? httpHeaderValue : headerStringLoose).test(value)
        ? []
        : [
            finding(
              'string.well_known_regex',
              `must be a valid HTTP header value${strict ? '' : ' (no NUL, CR or LF)'}, got ${show(value)}`,
            ),
          ];
    default:
      return [unsupported('string.well_known_regex', `unknown KnownRegex ${String(known)}`)];
  }
}
