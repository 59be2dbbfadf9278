/**
 * Public surface of the auth folder: dataplane tokens (issue, verify, authorize,
 * revoke) with their per-mesh signing keys, user tokens for the REST API with
 * their key file, and reading a bearer token from a request.
 *
 *   POST /bootstrap, ADS stream
 *     bearerToken ──► DataplaneAuthenticator ──► verifyDataplaneToken ──► authorizeDataplane(registrationOf(dataplane))
 *                        │ keyFor: every key of the mesh (signing-key-set.ts), cached
 *                        │ isRevoked: the mesh's revocation list, cached; open streams ended on revocation
 *   REST API
 *     bearerToken ──► verifyUserToken(key from loadOrCreateUserTokenKey) ──► isAdmin
 */
export { TOKEN_SIGNING_ALGORITHM, generateSigningKeyPem, signingKeyFromPem, type SigningKey } from './signing-key.js';
export { CLOCK_SKEW_SECONDS } from './jwt.js';
export {
  signingKeySecretName,
  signingKeyDrafts,
  loadSigningKey,
  ensureSigningKey,
  storedSigningKeys,
} from './signing-keys.js';
export {
  PROXY_TYPES,
  issueDataplaneToken,
  verifyDataplaneToken,
  type ProxyType,
  type TokenTags,
  type DataplaneTokenClaims,
  type DataplaneTokenRequest,
  type DataplaneTokenVerifier,
} from './dataplane-token.js';
export { authorizeDataplane, type AuthorizingClaims, type DataplaneRegistration } from './dataplane-authorization.js';
export {
  revocationsSecretName,
  parseRevocations,
  formatRevocations,
  readRevocations,
  revokeToken,
  storedRevocations,
} from './revocations.js';
export {
  ADMIN_GROUP,
  issueUserToken,
  verifyUserToken,
  isAdmin,
  type User,
  type UserTokenRequest,
} from './user-token.js';
export {
  USER_TOKEN_KEY_FILE,
  ADMIN_TOKEN_FILE,
  ADMIN_USER,
  ADMIN_TOKEN_VALID_FOR_MS,
  loadOrCreateUserTokenKey,
  ensureAdminToken,
  type AdminTokenOptions,
} from './user-token-key-file.js';
export { bearerToken, type AuthorizationValue } from './request-token.js';
export {
  signingKeySerial,
  loadMeshSigningKeys,
  issuingSigningKey,
  type SerialSigningKey,
  type MeshSigningKeys,
  type UnreadableSigningKey,
} from './signing-key-set.js';
export { registrationOf, type TaggedNetworking } from './dataplane-registration.js';
export {
  DataplaneAuthenticator,
  TOKEN_STATE_REFRESH_MS,
  type DataplaneAuthenticatorOptions,
  type VerifiedToken,
  type TokenWatch,
} from './dataplane-authenticator.js';
