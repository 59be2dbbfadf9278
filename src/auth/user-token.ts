/**
 * User tokens: how a person or a script authenticates to the REST API. Signed
 * with the control plane's one user-token key (user-token-key-file.ts),
 * following the conventions in jwt.ts.
 *
 * Claims (Kuma's names): `Name` the user, `Groups` the groups it belongs to,
 * plus jti, iat, nbf, exp. Members of `mesh-system:admin` are administrators.
 */
import type { CryptoKey } from 'jose';
import { KogumaError } from '../api/index.js';
import { decodeUnverified, signToken, unauthenticated, verifyToken } from './jwt.js';
import type { SigningKey } from './signing-key.js';

export const ADMIN_GROUP = 'mesh-system:admin';

export interface User {
  readonly name: string;
  readonly groups: readonly string[];
}

export interface UserTokenRequest extends User {
  readonly validForMs: number;
  readonly now?: Date;
}

const WHAT = 'user token';

export async function issueUserToken(key: SigningKey, request: UserTokenRequest): Promise<string> {
  if (request.name.trim() === '') throw new KogumaError('InvalidInput', 'a user token needs the name of its user');
  return signToken(
    key,
    { Name: request.name, Groups: [...request.groups] },
    { validForMs: request.validForMs, ...(request.now ? { now: request.now } : {}) },
  );
}

/** The user a token proves, or KogumaError('Unauthenticated') saying why not. */
export async function verifyUserToken(
  token: string,
  key: { readonly kid: string; readonly publicKey: CryptoKey },
  options: { readonly now?: Date } = {},
): Promise<User> {
  const { kid } = decodeUnverified(token, WHAT);
  // A dataplane token (signed by a mesh key) stops here, before any claim is read.
  if (kid !== key.kid)
    throw unauthenticated(`${WHAT} is signed with a key this control plane does not have (kid ${kid})`);
  const { Name: name, Groups: groups } = await verifyToken(token, key.publicKey, WHAT, options.now);
  if (typeof name !== 'string' || name === '') throw unauthenticated(`${WHAT} is malformed: it names no user`);
  if (!Array.isArray(groups) || !groups.every((group) => typeof group === 'string')) {
    throw unauthenticated(`${WHAT} is malformed: Groups is not a list of group names`);
  }
  return { name, groups };
}

export const isAdmin = (user: User): boolean => user.groups.includes(ADMIN_GROUP);
