/**
 * Where a builtin CA lives: two Secrets of its mesh, `<mesh>.ca-builtin-cert-<backend>`
 * and `<mesh>.ca-builtin-key-<backend>` (Kuma's names), each holding base64 of
 * PEM. Because they belong to the mesh, deleting the mesh deletes them.
 *
 * Several control plane instances may start a mesh's CA at once. Both Secrets
 * are written in one `createAll`, so the store lets exactly one instance win;
 * the others get Conflict, read the winner's CA and use it.
 */
import {
  durationMs,
  KogumaError,
  isKogumaError,
  NAME_MAX_LENGTH,
  NAME_PATTERN,
  type ResourceDraft,
} from '../api/index.js';
import type { ResourceStore } from '../store/index.js';
import { generateRootCa, type CaPem, type RootCaOptions } from './builtin-ca.js';

/** The builtin backend's `conf`, as the Mesh schema accepts it. */
export interface BuiltinCaConf {
  readonly caCert?: {
    readonly RSAbits?: number;
    readonly expiration?: string;
    readonly algorithm?: 'ECDSA' | 'RSA';
  };
}

/** Kuma's default root lifetime: 10 years. */
export const DEFAULT_ROOT_LIFETIME_MS = 10 * 365 * 24 * 3_600_000;
/** Kuma's RSA size when RSA is asked for without a size. */
const DEFAULT_RSA_BITS = 2048;

export interface BuiltinCaSecretNames {
  readonly cert: string;
  readonly key: string;
}

const validName = new RegExp(NAME_PATTERN);

export function builtinCaSecretNames(mesh: string, backend: string): BuiltinCaSecretNames {
  const names = { cert: `${mesh}.ca-builtin-cert-${backend}`, key: `${mesh}.ca-builtin-key-${backend}` };
  for (const name of [names.cert, names.key]) {
    if (name.length > NAME_MAX_LENGTH || !validName.test(name)) {
      throw new KogumaError(
        'InvalidInput',
        `the builtin CA of mesh "${mesh}" cannot be stored: "${name}" is not a valid Secret name; name the mTLS backend with lower case letters, digits and "-"`,
      );
    }
  }
  return names;
}

/** RSA when asked for by algorithm or by size alone; ECDSA P-256 otherwise. */
export function rootCaOptionsOf(mesh: string, backend: string, conf: BuiltinCaConf): RootCaOptions {
  const caCert = conf.caCert ?? {};
  const rsa = caCert.algorithm === 'RSA' || (caCert.algorithm === undefined && caCert.RSAbits !== undefined);
  const lifetimeMs = caCert.expiration === undefined ? DEFAULT_ROOT_LIFETIME_MS : durationMs(caCert.expiration);
  return rsa
    ? { mesh, backend, lifetimeMs, rsaBits: caCert.RSAbits ?? DEFAULT_RSA_BITS }
    : { mesh, backend, lifetimeMs };
}

export interface StoredCa extends CaPem {
  /** Whether this call generated and stored it (false: it was there, or another instance won the race). */
  readonly created: boolean;
}

/** The mesh's builtin CA for `backend`: the stored one, or a new one generated and stored now. */
export async function ensureBuiltinCa(
  store: ResourceStore,
  mesh: string,
  backend: string,
  conf: BuiltinCaConf = {},
  options: { readonly now?: Date } = {},
): Promise<StoredCa> {
  const names = builtinCaSecretNames(mesh, backend);
  const stored = await readStoredCa(store, mesh, names);
  if (stored) return { ...stored, created: false };

  const root = await generateRootCa({
    ...rootCaOptionsOf(mesh, backend, conf),
    ...(options.now ? { now: options.now } : {}),
  });
  try {
    await store.createAll([secretDraft(mesh, names.cert, root.certPem), secretDraft(mesh, names.key, root.keyPem)]);
    return { ...root, created: true };
  } catch (error) {
    if (!isKogumaError(error, 'Conflict')) throw error;
    const winner = await readStoredCa(store, mesh, names);
    if (!winner) throw error;
    return { ...winner, created: false };
  }
}

const secretDraft = (mesh: string, name: string, pem: string): ResourceDraft => ({
  kind: 'Secret',
  mesh,
  name,
  labels: {},
  spec: { data: Buffer.from(pem, 'utf8').toString('base64') },
});

async function readStoredCa(
  store: ResourceStore,
  mesh: string,
  names: BuiltinCaSecretNames,
): Promise<CaPem | undefined> {
  const [cert, key] = await Promise.all([
    store.get({ kind: 'Secret', mesh, name: names.cert }),
    store.get({ kind: 'Secret', mesh, name: names.key }),
  ]);
  if (!cert && !key) return undefined;
  if (!cert || !key) {
    // Half a CA: someone deleted one Secret. Regenerating would orphan every
    // certificate signed so far, so leave that decision to a person.
    const [present, absent] = cert ? [names.cert, names.key] : [names.key, names.cert];
    throw new KogumaError(
      'Conflict',
      `the builtin CA of mesh "${mesh}" is incomplete: Secret "${present}" exists but "${absent}" does not; delete "${present}" to have a new CA generated`,
    );
  }
  return { certPem: pemOf(cert.spec), keyPem: pemOf(key.spec) };
}

const pemOf = (spec: Readonly<Record<string, unknown>>): string =>
  Buffer.from(String(spec['data'] ?? ''), 'base64').toString('utf8');
