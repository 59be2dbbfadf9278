/**
 * Dataplane tokens: what a proxy presents on `POST /bootstrap` and on every ADS
 * stream to prove which dataplane it may be. Signed with its mesh's key
 * (signing-keys.ts), following the conventions in jwt.ts.
 *
 * Claims (Kuma's names, so a decoded token reads the same as one from Kuma):
 *   Name  dataplane name; absent (or "") = any dataplane of the mesh
 *   Mesh  the mesh the token belongs to; always present
 *   Tags  tag key -> allowed values; keys absent are unconstrained
 *   Type  "dataplane" | "ingress" | "egress"
 *   jti   random token id, what revocation lists name
 *   iat, nbf, exp
 * What a token permits is decided by dataplane-authorization.ts.
 */
import type { CryptoKey, JWTPayload } from 'jose';
import { decodeUnverified, signToken, unauthenticated, verifyToken } from './jwt.js';
import type { SigningKey } from './signing-key.js';

export const PROXY_TYPES = ['dataplane', 'ingress', 'egress'] as const;
export type ProxyType = (typeof PROXY_TYPES)[number];

export type TokenTags = Readonly<Record<string, readonly string[]>>;

/** A verified token's claims, in the control plane's own names. */
export interface DataplaneTokenClaims {
  /** The one dataplane this token is for; undefined when it is valid for any name. */
  readonly name?: string;
  readonly mesh: string;
  readonly tags: TokenTags;
  readonly type: ProxyType;
  readonly jti: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

export interface DataplaneTokenRequest {
  readonly name?: string;
  readonly mesh: string;
  readonly tags?: TokenTags;
  readonly type?: ProxyType;
  readonly validForMs: number;
  readonly now?: Date;
}

const WHAT = 'dataplane token';

/** Signs a token with the mesh's key. `key` must be the key of `request.mesh`. */
export async function issueDataplaneToken(key: SigningKey, request: DataplaneTokenRequest): Promise<string> {
  const claims: JWTPayload = {
    ...(request.name === undefined || request.name === '' ? {} : { Name: request.name }),
    Mesh: request.mesh,
    Tags: request.tags ?? {},
    Type: request.type ?? 'dataplane',
  };
  return signToken(key, claims, { validForMs: request.validForMs, ...(request.now ? { now: request.now } : {}) });
}

export interface DataplaneTokenVerifier {
  /** The mesh's verification key with this id, or undefined when it has none. */
  keyFor(
    mesh: string,
    kid: string,
  ): Promise<{ readonly publicKey: CryptoKey } | undefined> | { readonly publicKey: CryptoKey } | undefined;
  isRevoked(mesh: string, jti: string): Promise<boolean> | boolean;
  /** The mesh the proxy says it belongs to; a token of another mesh is refused. */
  readonly mesh?: string;
  readonly now?: Date;
}

/**
 * The token's claims once it is proven genuine, current and not revoked; else
 * KogumaError('Unauthenticated') saying what is wrong. The key is looked up in
 * the mesh the token claims: a token signed with mesh A's key that claims mesh
 * B finds no key of that id in B.
 */
export async function verifyDataplaneToken(
  token: string,
  verifier: DataplaneTokenVerifier,
): Promise<DataplaneTokenClaims> {
  const unverified = decodeUnverified(token, WHAT);
  const claimedMesh = unverified.payload['Mesh'];
  if (typeof claimedMesh !== 'string' || claimedMesh === '')
    throw unauthenticated(`${WHAT} is malformed: it names no Mesh`);
  if (verifier.mesh !== undefined && claimedMesh !== verifier.mesh) {
    throw unauthenticated(`${WHAT} is for mesh "${claimedMesh}", not mesh "${verifier.mesh}"`);
  }
  const key = await verifier.keyFor(claimedMesh, unverified.kid);
  if (!key)
    throw unauthenticated(
      `${WHAT} is signed with a key that mesh "${claimedMesh}" does not have (kid ${unverified.kid})`,
    );
  const payload = await verifyToken(token, key.publicKey, WHAT, verifier.now);
  const claims = claimsOf(payload);
  if (await verifier.isRevoked(claims.mesh, claims.jti))
    throw unauthenticated(`${WHAT} ${claims.jti} has been revoked`);
  return claims;
}

/** Checks the shape of signed claims: a genuine token from a buggy issuer must still not be misread. */
function claimsOf(payload: JWTPayload): DataplaneTokenClaims {
  const { Name: name, Mesh: mesh, Tags: tags = {}, Type: type = 'dataplane', jti, iat, exp } = payload;
  if (name !== undefined && typeof name !== 'string') throw malformed('Name is not a string');
  if (typeof mesh !== 'string') throw malformed('Mesh is not a string');
  if (!isTokenTags(tags)) throw malformed('Tags is not a map of tag names to lists of values');
  if (!PROXY_TYPES.includes(type as ProxyType)) throw malformed(`Type is not one of ${PROXY_TYPES.join(', ')}`);
  if (typeof jti !== 'string' || jti === '') throw malformed('jti is not a string');
  // jwtVerify has already required iat and exp and checked they are numbers.
  return {
    ...(name === undefined || name === '' ? {} : { name }),
    mesh,
    tags,
    type: type as ProxyType,
    jti,
    issuedAt: new Date(Number(iat) * 1000),
    expiresAt: new Date(Number(exp) * 1000),
  };
}

function isTokenTags(value: unknown): value is TokenTags {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((values) => Array.isArray(values) && values.every((v) => typeof v === 'string'));
}

const malformed = (reason: string) => unauthenticated(`${WHAT} is malformed: ${reason}`);
