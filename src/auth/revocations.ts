/**
 * Revoked dataplane tokens of a mesh, kept as Kuma keeps them: the Secret
 * `dataplane-token-revocations-<mesh>` whose `data` is the base64 of the
 * revoked token ids (`jti`) separated by commas. An operator can therefore also
 * revoke a token by editing that Secret by hand.
 *
 * Writes are read-modify-write with the version read, so two concurrent
 * revocations never lose each other: the loser gets a Conflict and retries on
 * the fresh list.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isKogumaError, KogumaError, type ResourceKey } from '../api/index.js';
import type { ResourceStore } from '../store/index.js';
import { systemSecretName } from './mesh-secret-name.js';

const REVOCATIONS_PREFIX = 'dataplane-token-revocations';
/** Enough for a burst of operators; beyond it something else is wrong. */
const MAX_ATTEMPTS = 10;

export const revocationsSecretName = (mesh: string): string => systemSecretName(REVOCATIONS_PREFIX, mesh);

const secretKey = (mesh: string): ResourceKey => ({ kind: 'Secret', mesh, name: revocationsSecretName(mesh) });

/** Token ids in the Secret's data; tolerant of spaces and newlines a person may have added. */
export function parseRevocations(base64: string): Set<string> {
  const text = Buffer.from(base64, 'base64').toString('utf8');
  return new Set(
    text
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== ''),
  );
}

export function formatRevocations(ids: Iterable<string>): string {
  return Buffer.from([...ids].join(',')).toString('base64');
}

export async function readRevocations(store: ResourceStore, mesh: string): Promise<Set<string>> {
  const secret = await store.get(secretKey(mesh));
  return secret ? parseRevocations(String(secret.spec['data'] ?? '')) : new Set();
}

/** Adds `jti` to the mesh's revocation list; revoking an already revoked id changes nothing. */
export async function revokeToken(store: ResourceStore, mesh: string, jti: string): Promise<void> {
  const id = jti.trim();
  if (id === '' || id.includes(',')) {
    throw new KogumaError('InvalidInput', `"${jti}" is not a token id: it must be non-empty and contain no comma`);
  }
  const key = secretKey(mesh);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const secret = await store.get(key);
    const ids = secret ? parseRevocations(String(secret.spec['data'] ?? '')) : new Set<string>();
    if (ids.has(id)) return;
    ids.add(id);
    const draft = { ...key, labels: secret?.labels ?? {}, spec: { data: formatRevocations(ids) } };
    try {
      if (secret) await store.update(draft, secret.version);
      else await store.create(draft);
      return;
    } catch (error) {
      // Someone else wrote the list since we read it: read it again.
      if (!isKogumaError(error, 'Conflict') && !isKogumaError(error, 'NotFound')) throw error;
    }
    // A little random wait, so writers that collided do not collide again in step.
    await sleep(Math.random() * 5 * (attempt + 1));
  }
  throw new KogumaError(
    'Conflict',
    `could not revoke token ${id} in mesh "${mesh}": the revocation list kept changing`,
  );
}

/**
 * `isRevoked` for verifyDataplaneToken, reading the store each time so a
 * revocation takes effect on the next bootstrap or stream, on every instance.
 */
export function storedRevocations(store: ResourceStore): (mesh: string, jti: string) => Promise<boolean> {
  return async (mesh, jti) => (await readRevocations(store, mesh)).has(jti);
}
