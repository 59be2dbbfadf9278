/**
 * Dataplane token checks as the DP server makes them: on `POST /bootstrap` and
 * on every ADS stream. Verification itself is verifyDataplaneToken +
 * authorizeDataplane; this module supplies them with each mesh's signing keys
 * and revocation list without a store read per check, and ends the streams of
 * tokens revoked while they are open.
 *
 *   check ─► mesh state (keys, revoked ids) ─ fresh? ─ yes ─► verify, authorize
 *                   │ no: one store read per mesh, shared by concurrent checks
 *   store change (Secret dataplane-token-*, Mesh deleted) ─► state stale ─► recheck open streams of that mesh
 *   every refreshMs, meshes with open streams ─► reload ─► recheck
 *
 * Why both events and a timer: change events make a revocation bite at once,
 * on every instance (LISTEN/NOTIFY); the timer bounds the delay to
 * `refreshMs` should an event be lost (a database reconnect). A reconnect
 * storm of thousands of proxies costs one read of keys and one of revocations
 * per mesh per `refreshMs`, not one per stream.
 *
 * Expiry is checked when a proxy connects, not during a stream: a proxy whose
 * token expires keeps its stream until it reconnects (as in Kuma).
 *
 * While the store cannot be read, the last state read keeps being used (the
 * control plane keeps serving during an outage); a mesh never read cannot
 * verify anything and the check fails with Unavailable.
 */
import { decodeProtectedHeader } from 'jose';
import type { Logger } from 'pino';
import { KogumaError } from '../api/index.js';
import type { ResourceStore, StoreEvent } from '../store/index.js';
import { authorizeDataplane, type DataplaneRegistration } from './dataplane-authorization.js';
import { verifyDataplaneToken, type DataplaneTokenClaims } from './dataplane-token.js';
import { readRevocations, revocationsSecretName } from './revocations.js';
import { loadMeshSigningKeys, signingKeySerial, type SigningKeyParseCache } from './signing-key-set.js';
import type { SigningKey } from './signing-key.js';

/** The default of `refreshMs`: how stale a mesh's keys and revocations may get. */
export const TOKEN_STATE_REFRESH_MS = 10_000;

export interface DataplaneAuthenticatorOptions {
  readonly store: ResourceStore;
  /** Longest reuse of a mesh's keys and revocations without a store read; bounds how late a revocation takes effect. */
  readonly refreshMs?: number;
  readonly logger?: Pick<Logger, 'warn' | 'error'>;
  /** The time tokens are checked against, for tests; caching always uses the real clock. */
  readonly now?: () => Date;
}

/** A token that passed verification: its claims and the key that signed it. */
export interface VerifiedToken {
  readonly claims: DataplaneTokenClaims;
  readonly kid: string;
}

/** An open stream's token, watched until the stream ends. */
export interface TokenWatch {
  /** Aborted, with a KogumaError('Unauthenticated') reason, once the token is revoked or its key removed. */
  readonly revoked: AbortSignal;
  release(): void;
}

interface MeshState {
  readonly keys: ReadonlyMap<string, SigningKey>;
  readonly revoked: ReadonlySet<string>;
  /** ms since epoch; -Infinity once a change made it stale. */
  loadedAt: number;
}

interface Watched {
  readonly jti: string;
  readonly kid: string;
  readonly controller: AbortController;
}

export class DataplaneAuthenticator {
  private readonly states = new Map<string, MeshState>();
  private readonly loading = new Map<string, Promise<MeshState>>();
  /** Per mesh, how many changes have been seen: a read that overlapped one is not trusted as fresh. */
  private readonly generations = new Map<string, number>();
  private readonly watched = new Map<string, Set<Watched>>();
  private readonly parsedKeys: SigningKeyParseCache = new Map();
  private readonly refreshMs: number;
  private readonly now: () => Date;
  private readonly unwatchStore: () => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DataplaneAuthenticatorOptions) {
    this.refreshMs = options.refreshMs ?? TOKEN_STATE_REFRESH_MS;
    this.now = options.now ?? (() => new Date());
    this.unwatchStore = options.store.watch((event) => this.onChange(event));
  }

  /** The token's claims once genuine, current and not revoked in `mesh`; else KogumaError('Unauthenticated'). */
  async verify(token: string, mesh: string): Promise<VerifiedToken> {
    const claims = await verifyDataplaneToken(token, {
      mesh,
      now: this.now(),
      keyFor: async (claimedMesh, kid) => (await this.stateOf(claimedMesh)).keys.get(kid),
      isRevoked: async (claimedMesh, jti) => (await this.stateOf(claimedMesh)).revoked.has(jti),
    });
    // verifyDataplaneToken has read the header already; it cannot fail here.
    return { claims, kid: String(decodeProtectedHeader(token).kid) };
  }

  /** verify, then authorizeDataplane: Unauthenticated for a bad token, Forbidden for one that does not allow `registration`. */
  async authenticate(token: string, registration: DataplaneRegistration): Promise<VerifiedToken> {
    const verified = await this.verify(token, registration.mesh);
    authorizeDataplane(verified.claims, registration);
    return verified;
  }

  /** Watches a verified token for the life of a stream. */
  watch(token: VerifiedToken): TokenWatch {
    const { mesh, jti } = token.claims;
    const entry: Watched = { jti, kid: token.kid, controller: new AbortController() };
    let entries = this.watched.get(mesh);
    if (!entries) this.watched.set(mesh, (entries = new Set()));
    entries.add(entry);
    this.timer ??= setInterval(() => this.refreshWatchedMeshes(), this.refreshMs).unref();
    return {
      revoked: entry.controller.signal,
      release: () => {
        entries.delete(entry);
        if (entries.size === 0 && this.watched.get(mesh) === entries) this.watched.delete(mesh);
        if (this.watched.size === 0 && this.timer !== undefined) {
          clearInterval(this.timer);
          this.timer = undefined;
        }
      },
    };
  }

  /** Stops listening to the store and the timer; watched streams are left to end with the server. */
  close(): void {
    this.unwatchStore();
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async stateOf(mesh: string): Promise<MeshState> {
    const state = this.states.get(mesh);
    if (state && Date.now() - state.loadedAt < this.refreshMs) return state;
    let loading = this.loading.get(mesh);
    if (!loading) {
      loading = this.load(mesh);
      this.loading.set(mesh, loading);
      const clear = (): void => {
        if (this.loading.get(mesh) === loading) this.loading.delete(mesh);
      };
      loading.then(clear, clear);
    }
    try {
      return await loading;
    } catch (error) {
      if (state) {
        this.options.logger?.warn(
          { err: error, mesh },
          'cannot read dataplane token keys and revocations; using the last ones read',
        );
        return state;
      }
      throw new KogumaError(
        'Unavailable',
        `cannot verify dataplane tokens of mesh "${mesh}" now: the store cannot be read`,
      );
    }
  }

  private async load(mesh: string): Promise<MeshState> {
    const startedAt = Date.now();
    const generation = this.generations.get(mesh) ?? 0;
    const [{ keys, unreadable }, revoked] = await Promise.all([
      loadMeshSigningKeys(this.options.store, mesh, this.parsedKeys),
      readRevocations(this.options.store, mesh).catch((error: unknown) => {
        // A mesh whose name cannot hold the revocation Secret has no revocations (and no keys either).
        if (error instanceof KogumaError && error.code === 'InvalidInput') return new Set<string>();
        throw error;
      }),
    ]);
    for (const entry of unreadable)
      this.options.logger?.warn(
        { mesh, secret: entry.secretName },
        `ignoring an unreadable token signing key: ${entry.reason}`,
      );
    // A change that arrived while this was read makes it stale at once: the next check reads again.
    const fresh = (this.generations.get(mesh) ?? 0) === generation;
    const state: MeshState = {
      keys: new Map(keys.map((key) => [key.kid, key])),
      revoked,
      loadedAt: fresh ? startedAt : -Infinity,
    };
    this.states.set(mesh, state);
    return state;
  }

  private onChange(event: StoreEvent): void {
    if (event.op === 'resync') {
      // Changes were missed: every mesh's keys and revocations are read again.
      for (const mesh of new Set([...this.states.keys(), ...this.watched.keys()])) this.staleMesh(mesh);
      return;
    }
    const mesh = event.kind === 'Mesh' ? event.name : event.kind === 'Secret' ? event.mesh : undefined;
    if (mesh === undefined) return;
    if (event.kind === 'Secret' && !isTokenSecret(mesh, event.name)) return;
    if (event.kind === 'Mesh' && event.op === 'deleted') this.states.delete(mesh);
    this.staleMesh(mesh);
  }

  /** What was read of the mesh is stale now; a read already under way may predate the change, so it is not waited on. */
  private staleMesh(mesh: string): void {
    this.generations.set(mesh, (this.generations.get(mesh) ?? 0) + 1);
    const state = this.states.get(mesh);
    if (state) state.loadedAt = -Infinity;
    this.loading.delete(mesh);
    if (this.watched.has(mesh)) void this.recheck(mesh);
  }

  private refreshWatchedMeshes(): void {
    for (const mesh of this.watched.keys()) {
      const state = this.states.get(mesh);
      if (state) state.loadedAt = -Infinity;
      void this.recheck(mesh);
    }
  }

  /** Ends the watched streams of `mesh` whose token is now revoked or whose key is gone. */
  private async recheck(mesh: string): Promise<void> {
    let state: MeshState;
    try {
      state = await this.stateOf(mesh);
    } catch (error) {
      this.options.logger?.error({ err: error, mesh }, 'cannot recheck the dataplane tokens of open streams');
      return;
    }
    for (const entry of this.watched.get(mesh) ?? []) {
      if (entry.controller.signal.aborted) continue;
      if (state.revoked.has(entry.jti)) {
        entry.controller.abort(new KogumaError('Unauthenticated', `dataplane token ${entry.jti} has been revoked`));
      } else if (!state.keys.has(entry.kid)) {
        entry.controller.abort(
          new KogumaError(
            'Unauthenticated',
            `the key that signed dataplane token ${entry.jti} is no longer a signing key of mesh "${mesh}"`,
          ),
        );
      }
    }
  }
}

function isTokenSecret(mesh: string, name: string): boolean {
  if (signingKeySerial(mesh, name) !== undefined) return true;
  try {
    return name === revocationsSecretName(mesh);
  } catch {
    return false;
  }
}
