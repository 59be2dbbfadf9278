/**
 * Public surface of mTLS: builtin and provided CAs, workload certificate
 * issuance, rotation timing and the issuance limiter. Nothing outside src/mtls
 * imports deeper.
 *
 *   Mesh mtls backend ──► ensureBuiltinCa / resolveDataSource + checkProvidedCa
 *                               │ PEM
 *                            loadCa ──► CertificateAuthority
 *                               │
 *   proxy tags ──► issueWorkloadCertificate (through an IssuanceLimiter)
 *                               │
 *                  needsRenewal(identityKeyOf(...)) decides when to issue again
 */
export { generateRootCa, type CaPem, type RootCaOptions } from './builtin-ca.js';
export {
  builtinCaSecretNames,
  DEFAULT_ROOT_LIFETIME_MS,
  ensureBuiltinCa,
  rootCaOptionsOf,
  type BuiltinCaConf,
  type BuiltinCaSecretNames,
  type StoredCa,
} from './ca-secrets.js';
export { loadCa, type CertificateAuthority } from './certificate-authority.js';
export {
  resolveDataSource,
  resolveDataSourceText,
  storeSecretReader,
  type DataSource,
  type DataSourceContext,
  type SecretReader,
} from './data-source.js';
export {
  kumaTagUri,
  SERVICE_TAG,
  spiffeId,
  spiffeTrustDomain,
  workloadUris,
  type WorkloadTags,
} from './identity-uris.js';
export { createIssuanceLimiter, type IssuanceLimiter, type IssuanceLimiterOptions } from './issuance-limiter.js';
export type { CaKeyAlgorithm } from './key-algorithms.js';
export { encodePem, joinPem, parsePemBlocks, splitCertificateChain, type PemBlock } from './pem.js';
export { checkProvidedCa, type ProvidedCaCheck } from './provided-ca.js';
export { identityKeyOf, needsRenewal, renewalTime, type IdentityInputs, type IssuedIdentity } from './rotation.js';
export {
  generateServerCa,
  issueServerCertificate,
  type ServerCaOptions,
  type ServerCertificate,
  type ServerCertificateRequest,
} from './server-cert.js';
export {
  issueWorkloadCertificate,
  type WorkloadCertificate,
  type WorkloadCertificateRequest,
} from './workload-cert.js';
export { MeshSecurityRegistry, type MeshSecurity, type MeshSecurityState } from './mesh-security.js';
export { type MeshMtlsSpec, providedCaIssues } from './mesh-backends.js';
