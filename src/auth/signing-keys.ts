/**
 * The per-mesh dataplane-token signing key, kept as the Secret
 * `dataplane-token-signing-key-<mesh>` in that mesh: `data` is the base64 of a
 * PKCS#8 PEM (see signing-key.ts for the algorithm and the key id).
 *
 * A mesh normally gets its key in the same transaction that creates it
 * (`signingKeyDrafts`); `ensureSigningKey` covers meshes created before this
 * existed and several control plane instances racing on one store.
 */
import { isKogumaError, notFound, type ResourceDraft, type ResourceKey } from '../api/index.js';
import type { ResourceStore } from '../store/index.js';
import { generateSigningKeyPem, signingKeyFromPem, type SigningKey } from './signing-key.js';
import { systemSecretName } from './mesh-secret-name.js';

const SIGNING_KEY_PREFIX = 'dataplane-token-signing-key';

export const signingKeySecretName = (mesh: string): string => systemSecretName(SIGNING_KEY_PREFIX, mesh);

const secretKey = (mesh: string): ResourceKey => ({ kind: 'Secret', mesh, name: signingKeySecretName(mesh) });

/** The Secret holding a fresh signing key for `mesh`, to create along with the mesh. */
export function signingKeyDrafts(mesh: string): ResourceDraft[] {
  const pem = generateSigningKeyPem();
  return [{ ...secretKey(mesh), labels: {}, spec: { data: Buffer.from(pem).toString('base64') } }];
}

/** The mesh's signing key, or undefined when the mesh has none yet. */
export async function loadSigningKey(store: ResourceStore, mesh: string): Promise<SigningKey | undefined> {
  const key = secretKey(mesh);
  const secret = await store.get(key);
  if (!secret) return undefined;
  return signingKeyFromPem(pemOf(secret.spec), `Secret "${key.name}" in mesh "${mesh}"`);
}

/**
 * The mesh's signing key, created when missing. Two instances may both see it
 * missing; the store lets only one create succeed, and the loser reads the
 * winner's key, so every token of the mesh is signed by the same key.
 */
export async function ensureSigningKey(store: ResourceStore, mesh: string): Promise<SigningKey> {
  const existing = await loadSigningKey(store, mesh);
  if (existing) return existing;
  const [draft] = signingKeyDrafts(mesh);
  try {
    await store.create(draft!);
  } catch (error) {
    if (!isKogumaError(error, 'Conflict')) throw error;
  }
  const stored = await loadSigningKey(store, mesh);
  // Only a concurrent mesh deletion can get here.
  if (!stored) throw notFound(`the dataplane-token signing key of mesh "${mesh}"`);
  return stored;
}

/**
 * `keyFor` for verifyDataplaneToken, reading the key from the store. The parsed
 * key is cached against the Secret's bytes, not its version: a mesh deleted and
 * re-created starts again at version 1 with a different key.
 */
export function storedSigningKeys(
  store: ResourceStore,
): (mesh: string, kid: string) => Promise<SigningKey | undefined> {
  const cache = new Map<string, { readonly data: string; readonly key: SigningKey }>();
  return async (mesh, kid) => {
    const resourceKey = secretKey(mesh);
    const secret = await store.get(resourceKey);
    if (!secret) return undefined;
    const data = String(secret.spec['data']);
    let cached = cache.get(mesh);
    if (cached?.data !== data) {
      cached = {
        data,
        key: await signingKeyFromPem(pemOf(secret.spec), `Secret "${resourceKey.name}" in mesh "${mesh}"`),
      };
      cache.set(mesh, cached);
    }
    return cached.key.kid === kid ? cached.key : undefined;
  };
}

const pemOf = (spec: Readonly<Record<string, unknown>>): string =>
  Buffer.from(String(spec['data'] ?? ''), 'base64').toString('utf8');
