/**
 * The JWT conventions every Koguma token follows, so dataplane and user tokens
 * cannot drift apart: ES256, the signing key's id in the `kid` header, a random
 * `jti` (what revocation lists name), `iat`/`nbf` at issue time and `exp` at
 * issue time + lifetime, all in whole seconds (RFC 7519 NumericDate).
 *
 * Every verification failure becomes KogumaError('Unauthenticated') with a
 * message saying which check failed; the token itself never appears in it.
 */
import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { KogumaError } from '../api/index.js';
import { TOKEN_SIGNING_ALGORITHM, type SigningKey } from './signing-key.js';

/**
 * Several control plane instances sign and verify each other's tokens; their
 * clocks may differ by a little. A token is accepted this long before `nbf` and
 * after `exp`.
 */
export const CLOCK_SKEW_SECONDS = 30;

export interface LifetimeOptions {
  /** How long the token is valid, in milliseconds; at least one second. */
  readonly validForMs: number;
  /** Issue time, for tests; defaults to the current time. */
  readonly now?: Date;
}

export async function signToken(key: SigningKey, claims: JWTPayload, lifetime: LifetimeOptions): Promise<string> {
  const { validForMs } = lifetime;
  if (!Number.isFinite(validForMs) || validForMs < 1000) {
    throw new KogumaError('InvalidInput', `a token must be valid for at least one second, not ${validForMs} ms`);
  }
  const issuedAt = Math.floor((lifetime.now ?? new Date()).getTime() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: TOKEN_SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setJti(randomUUID())
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + Math.ceil(validForMs / 1000))
    .sign(key.privateKey);
}

export interface UnverifiedToken {
  readonly kid: string;
  /** Not yet trusted: only for choosing the key and for early, friendlier errors. */
  readonly payload: JWTPayload;
}

/** Splits a token without trusting it; fails when it is not a JWT at all or names no key. */
export function decodeUnverified(token: string, what: string): UnverifiedToken {
  let kid: unknown;
  let payload: JWTPayload;
  try {
    kid = decodeProtectedHeader(token).kid;
    payload = decodeJwt(token);
  } catch {
    throw unauthenticated(`${what} is malformed: not a signed JWT`);
  }
  if (typeof kid !== 'string' || kid === '')
    throw unauthenticated(`${what} is malformed: its header names no signing key (kid)`);
  return { kid, payload };
}

/** Checks signature, algorithm and time window; returns the now trusted claims. */
export async function verifyToken(token: string, publicKey: CryptoKey, what: string, now?: Date): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, publicKey, {
      algorithms: [TOKEN_SIGNING_ALGORITHM],
      requiredClaims: ['exp', 'iat', 'jti'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      ...(now === undefined ? {} : { currentDate: now }),
    });
    return payload;
  } catch (error) {
    // Anything not from jose (a WebCrypto failure, say) is our fault, not the caller's.
    if (!(error instanceof errors.JOSEError)) throw error;
    throw unauthenticated(`${what} ${reasonOf(error)}`);
  }
}

function reasonOf(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return 'has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'has a bad signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return `is not signed with ${TOKEN_SIGNING_ALGORITHM}`;
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'is not valid yet';
    return `is malformed: ${error.claim} claim ${error.reason === 'missing' ? 'is missing' : 'is invalid'}`;
  }
  return `is malformed: ${error.message}`;
}

export const unauthenticated = (message: string): KogumaError => new KogumaError('Unauthenticated', message);
