/**
 * All of a mesh's dataplane-token signing keys, so a key can be rotated
 * without an outage, the way Kuma rotates them:
 *
 *   dataplane-token-signing-key-<mesh>        serial 0, created with the mesh
 *   dataplane-token-signing-key-<mesh>-<N>    serial N, added by an operator
 *
 * New tokens are signed with the key of the highest serial. A token verifies
 * with whichever key its `kid` names, so tokens signed by an older key keep
 * working until that key's Secret is deleted. Rotation is therefore: add a key
 * with a higher serial, hand out new tokens, delete the old key.
 */
import { KogumaError } from '../api/index.js';
import type { ResourceStore } from '../store/index.js';
import { signingKeyFromPem, type SigningKey } from './signing-key.js';
import { ensureSigningKey, signingKeySecretName } from './signing-keys.js';

export interface SerialSigningKey extends SigningKey {
  readonly serial: number;
  readonly secretName: string;
}

/** A signing-key Secret that could not be read, kept so callers can report it. */
export interface UnreadableSigningKey {
  readonly secretName: string;
  readonly reason: string;
}

export interface MeshSigningKeys {
  /** Highest serial first. */
  readonly keys: readonly SerialSigningKey[];
  readonly unreadable: readonly UnreadableSigningKey[];
}

/** Parsed keys by the Secret's bytes: importing a key costs more than comparing a string. */
export type SigningKeyParseCache = Map<string, Promise<SigningKey>>;

/** A mesh holds far fewer keys than this; more is a mistake worth ignoring rather than paging through. */
const MAX_KEYS = 100;

/** The serial a Secret name gives a signing key of `mesh`, or undefined when it is not one. */
export function signingKeySerial(mesh: string, secretName: string): number | undefined {
  let base: string;
  try {
    base = signingKeySecretName(mesh);
  } catch {
    return undefined; // a mesh name too long to hold the Secret has no keys at all
  }
  if (secretName === base) return 0;
  if (!secretName.startsWith(`${base}-`)) return undefined;
  const suffix = secretName.slice(base.length + 1);
  return /^[1-9][0-9]{0,8}$/.test(suffix) ? Number(suffix) : undefined;
}

/** Every signing key the mesh holds, read from its Secrets. */
export async function loadMeshSigningKeys(
  store: ResourceStore,
  mesh: string,
  cache?: SigningKeyParseCache,
): Promise<MeshSigningKeys> {
  let base: string;
  try {
    base = signingKeySecretName(mesh);
  } catch {
    return { keys: [], unreadable: [] };
  }
  const page = await store.list({ kind: 'Secret', mesh, nameContains: base, offset: 0, limit: MAX_KEYS });
  const keys: SerialSigningKey[] = [];
  const unreadable: UnreadableSigningKey[] = [];
  for (const secret of page.items) {
    const serial = signingKeySerial(mesh, secret.name);
    if (serial === undefined) continue;
    const data = String(secret.spec['data'] ?? '');
    try {
      const key = await parse(data, `Secret "${secret.name}" in mesh "${mesh}"`, cache);
      keys.push({ ...key, serial, secretName: secret.name });
    } catch (error) {
      unreadable.push({ secretName: secret.name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  keys.sort((a, b) => b.serial - a.serial);
  return { keys, unreadable };
}

function parse(data: string, source: string, cache: SigningKeyParseCache | undefined): Promise<SigningKey> {
  const pem = Buffer.from(data, 'base64').toString('utf8');
  if (!cache) return signingKeyFromPem(pem, source);
  let parsed = cache.get(data);
  if (!parsed) {
    parsed = signingKeyFromPem(pem, source);
    cache.set(data, parsed);
    // A failed parse is not cached: the operator may fix the Secret.
    parsed.catch(() => cache.delete(data));
  }
  return parsed;
}

/**
 * The key new tokens of `mesh` are signed with: the highest serial. A mesh
 * created before keys were made with meshes gets its first key now. When the
 * newest key cannot be read, issuing fails rather than falling back to an
 * older key the operator may be retiring.
 */
export async function issuingSigningKey(store: ResourceStore, mesh: string): Promise<SigningKey> {
  const { keys, unreadable } = await loadMeshSigningKeys(store, mesh);
  const newest = keys[0];
  const newestUnreadable = unreadable
    .map((entry) => ({ ...entry, serial: signingKeySerial(mesh, entry.secretName) ?? 0 }))
    .sort((a, b) => b.serial - a.serial)[0];
  if (newestUnreadable !== undefined && (newest === undefined || newestUnreadable.serial > newest.serial)) {
    throw new KogumaError('Internal', `cannot sign dataplane tokens of mesh "${mesh}": ${newestUnreadable.reason}`);
  }
  return newest ?? ensureSigningKey(store, mesh);
}
