/**
 * The well-known string formats of PGV and its RE2 patterns, in JavaScript.
 *
 * Reference: protoc-gen-validate's C++ validator, the one Envoy runs
 * (templates/cc/string.go, validate/validate.h), and its Go twin
 * (templates/goshared/known.go) for details the C++ leaves open:
 * - hostname: at most 253 characters, dot-separated labels of 1..63
 *   characters from [A-Za-z0-9-], not starting or ending with '-'; one trailing
 *   dot allowed (Go trims it).
 * - ip / ipv4 / ipv6: inet_pton rules; node's parser agrees except that it also
 *   takes an IPv6 zone (`fe80::1%eth0`), which inet_pton refuses, so we do too.
 * - uuid: 8-4-4-4-12 hex digits.
 * - well_known_regex: PGV's own patterns, copied as they are: the header name
 *   class `+-.` is a range and so admits ',' (PGV quirk, kept for fidelity).
 *   `strict: false` swaps both for "no NUL, CR or LF".
 * - pattern: RE2 syntax; compiled as a JavaScript RegExp with the `u` flag after
 *   rewriting the RE2-only spellings `(?P<name>` and a leading `(?i)`/`(?s)`.
 *   A pattern JavaScript cannot compile is reported as unsupported, not guessed.
 *   Matching is unanchored, as in PGV's Go; every Envoy pattern is anchored.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  const labels = (value.endsWith('.') ? value.slice(0, -1) : value).split('.');
  return labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

export const isIpv4 = (value: string): boolean => isIPv4(value);
export const isIpv6 = (value: string): boolean => !value.includes('%') && isIPv6(value);
export const isIp = (value: string): boolean => isIpv4(value) || isIpv6(value);

export const isUuid = (value: string): boolean =>
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(value);

export const httpHeaderName = /^:?[0-9a-zA-Z!#$%&'*+-.^_|~`]+$/;
// Header values exclude control characters: the patterns name them on purpose.
/* eslint-disable no-control-regex */
export const httpHeaderValue = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
export const headerStringLoose = /^[^\u0000\u000A\u000D]*$/;
/* eslint-enable no-control-regex */

const compiled = new Map<string, RegExp | null>();

/** The RE2 pattern as a RegExp, or undefined when JavaScript cannot express it. */
export function compilePattern(pattern: string): RegExp | undefined {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    let source = pattern.replaceAll('(?P<', '(?<');
    let flags = 'u';
    const leading = /^\(\?([is]+)\)/.exec(source);
    if (leading !== null) {
      flags += leading[1] ?? '';
      source = source.slice(leading[0].length);
    }
    try {
      regex = new RegExp(source, flags);
    } catch {
      regex = null;
    }
    compiled.set(pattern, regex);
  }
  return regex ?? undefined;
}
