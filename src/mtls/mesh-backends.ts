/**
 * A Mesh's `mtls` section as the rest of the control plane needs it: which
 * backend is enabled, its mode and certificate lifetime, and its CA loaded
 * and ready to sign. Also the apply-time check of provided CAs, so a Mesh
 * naming a certificate that is not a CA, has expired, or does not match its
 * key is refused before it is stored.
 */
import { durationMs, KogumaError, type InvalidParameter } from '../api/index.js';
import type { ResourceStore } from '../store/index.js';
import { ensureBuiltinCa, type BuiltinCaConf } from './ca-secrets.js';
import { loadCa, type CertificateAuthority } from './certificate-authority.js';
import { resolveDataSourceText, storeSecretReader, type DataSource } from './data-source.js';
import { checkProvidedCa } from './provided-ca.js';

export type MtlsMode = 'STRICT' | 'PERMISSIVE';

export interface MtlsBackendSpec {
  readonly name: string;
  readonly type: 'builtin' | 'provided';
  readonly mode?: MtlsMode;
  readonly dpCert?: { readonly rotation?: { readonly expiration?: string } };
  readonly conf?: Readonly<Record<string, unknown>>;
}

export interface MeshMtlsSpec {
  readonly enabledBackend?: string;
  readonly backends?: readonly MtlsBackendSpec[];
}

/** Kuma's default workload certificate lifetime. */
export const DEFAULT_CERT_LIFETIME_MS = 24 * 3_600_000;

/** The enabled backend, or undefined when mTLS is off (no enabledBackend, or it names nothing). */
export function enabledBackendOf(mtls: MeshMtlsSpec | undefined): MtlsBackendSpec | undefined {
  if (!mtls?.enabledBackend) return undefined;
  return mtls.backends?.find((b) => b.name === mtls.enabledBackend);
}

export const modeOf = (backend: MtlsBackendSpec): MtlsMode => backend.mode ?? 'STRICT';

export const certLifetimeOf = (backend: MtlsBackendSpec): number => {
  const expiration = backend.dpCert?.rotation?.expiration;
  return expiration === undefined ? DEFAULT_CERT_LIFETIME_MS : durationMs(expiration);
};

interface ProvidedConf {
  readonly cert: DataSource;
  readonly key: DataSource;
}

async function providedPems(
  store: ResourceStore,
  mesh: string,
  conf: ProvidedConf,
  field: string,
): Promise<{ certPem: string; keyPem: string }> {
  const readSecret = storeSecretReader(store, mesh);
  const [certPem, keyPem] = await Promise.all([
    resolveDataSourceText(conf.cert, { readSecret, field: `${field}.cert` }),
    resolveDataSourceText(conf.key, { readSecret, field: `${field}.key` }),
  ]);
  return { certPem, keyPem };
}

/**
 * The backend's CA, ready to sign. A builtin root is generated and stored on
 * first need (ca-secrets.ts: several instances end with one root).
 */
export async function loadBackendCa(
  store: ResourceStore,
  mesh: string,
  backend: MtlsBackendSpec,
): Promise<CertificateAuthority> {
  if (backend.type === 'builtin') {
    const root = await ensureBuiltinCa(store, mesh, backend.name, (backend.conf ?? {}) as BuiltinCaConf);
    return loadCa(root.certPem, root.keyPem);
  }
  const { certPem, keyPem } = await providedPems(store, mesh, backend.conf as unknown as ProvidedConf, 'conf');
  return loadCa(certPem, keyPem);
}

/**
 * Every problem with the provided CAs of a Mesh about to be stored: an
 * unreadable data source, a certificate that is not a CA or not valid now, a
 * key that does not match. Field paths point into the Mesh document.
 */
export async function providedCaIssues(
  store: ResourceStore,
  mesh: string,
  mtls: MeshMtlsSpec | undefined,
  now = new Date(),
): Promise<InvalidParameter[]> {
  const issues: InvalidParameter[] = [];
  for (const [i, backend] of (mtls?.backends ?? []).entries()) {
    if (backend.type !== 'provided') continue;
    const field = `mtls.backends[${i}].conf`;
    try {
      const { certPem, keyPem } = await providedPems(store, mesh, backend.conf as unknown as ProvidedConf, field);
      issues.push(...(await checkProvidedCa(certPem, keyPem, { now, field })));
    } catch (error) {
      if (!(error instanceof KogumaError) || error.invalidParameters.length === 0) throw error;
      issues.push(...error.invalidParameters);
    }
  }
  return issues;
}
