/**
 * Reads the token out of an `Authorization: Bearer <token>` value (RFC 6750
 * section 2.1), wherever it arrived: a node HTTP header (string), a fetch/Connect
 * `Headers.get` (string or null), or gRPC metadata (a list of strings or bytes).
 * The scheme is case-insensitive and surrounding spaces are ignored; anything
 * else is refused with KogumaError('Unauthenticated') saying what was wrong,
 * never echoing the credential.
 */
import { KogumaError } from '../api/index.js';

export type AuthorizationValue = string | Uint8Array | null | undefined | readonly (string | Uint8Array)[];

/** RFC 6750 `b64token`: what a JWT is made of, and nothing that could hide a second value. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export function bearerToken(value: AuthorizationValue): string {
  const text = singleValue(value)?.trim();
  if (text === undefined || text === '')
    throw unauthenticated('no Authorization header: expected "Authorization: Bearer <token>"');
  const space = text.search(/\s/);
  if (space === -1 && text.toLowerCase() !== 'bearer') {
    throw unauthenticated('the Authorization header has no scheme; expected "Bearer <token>"');
  }
  const scheme = space === -1 ? text : text.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    throw unauthenticated(`the Authorization header uses ${describeScheme(scheme)} scheme; expected "Bearer <token>"`);
  }
  const token = space === -1 ? '' : text.slice(space).trim();
  if (token === '') throw unauthenticated('the Authorization header has the Bearer scheme but no token');
  if (!B64TOKEN.test(token))
    throw unauthenticated("the Authorization header's bearer token contains characters a token cannot have");
  return token;
}

function singleValue(value: AuthorizationValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  const values = value as readonly (string | Uint8Array)[];
  // Two credentials are ambiguous: refuse rather than guess which one counts.
  if (values.length > 1) throw unauthenticated(`${values.length} Authorization values were sent; expected one`);
  return values.length === 0 ? undefined : singleValue(values[0]);
}

/** Names the scheme a client used, without ever echoing what may be a credential. */
function describeScheme(scheme: string): string {
  return /^[A-Za-z]{1,20}$/.test(scheme) ? `the "${scheme}"` : 'an unknown';
}

const unauthenticated = (message: string): KogumaError => new KogumaError('Unauthenticated', message);
