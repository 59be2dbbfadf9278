/**
 * What each mesh's mTLS is right now, kept current from Mesh changes: the CA
 * that issues workload certificates, the roots proxies trust, the mode and the
 * certificate lifetime. The engine reads it synchronously when it builds a
 * proxy; loading a CA (a store read, on first need a root generated) happens
 * here, before the state changes.
 *
 * Switching the enabled backend from CA A to CA B keeps traffic flowing by
 * changing trust before identity:
 *
 *   t0            issuer A, trust A+B   every proxy learns to trust B
 *   t0 + delay    issuer B, trust B+A   proxies get certificates from B; a
 *                                       peer still holding A's is accepted
 *   + lifetime    issuer B, trust B     A's last certificates have expired
 *
 * `delay` must outlast delivery to every proxy (SDS for Envoy; for proxyless
 * applications the file watcher's refresh interval); `lifetime` is the old
 * backend's certificate lifetime.
 *
 * A mesh whose state has not been loaded yet is `pending`, so that no proxy
 * is configured in plaintext while its mesh's CA is still being read (after a
 * restart, say).
 */
import type { Logger } from 'pino';
import type { ResourceStore } from '../store/index.js';
import type { CertificateAuthority } from './certificate-authority.js';
import {
  certLifetimeOf,
  enabledBackendOf,
  loadBackendCa,
  modeOf,
  type MeshMtlsSpec,
  type MtlsMode,
} from './mesh-backends.js';

export interface MeshSecurity {
  readonly mesh: string;
  readonly mode: MtlsMode;
  /** The enabled backend's name. */
  readonly backend: string;
  readonly issuer: CertificateAuthority;
  /** The issuer first, then roots still trusted during a switch. */
  readonly trusted: readonly CertificateAuthority[];
  /** Workload certificate lifetime. */
  readonly lifetimeMs: number;
}

export type MeshSecurityState =
  | { readonly kind: 'pending' }
  | { readonly kind: 'disabled' }
  | { readonly kind: 'enabled'; readonly security: MeshSecurity };

export interface MeshSecurityOptions {
  readonly store: ResourceStore;
  /** Called after a mesh's state changed: its proxies need rebuilding. */
  readonly onChange: (mesh: string) => void;
  /** How long new roots are trusted before certificates are issued from them. */
  readonly switchDelayMs: number;
  readonly logger: Logger;
}

interface MeshEntry {
  state: MeshSecurityState;
  timers: NodeJS.Timeout[];
}

const sameSecurity = (a: MeshSecurity, b: MeshSecurity): boolean =>
  a.mode === b.mode &&
  a.backend === b.backend &&
  a.lifetimeMs === b.lifetimeMs &&
  a.issuer.fingerprint === b.issuer.fingerprint &&
  a.trusted.length === 1;

const PENDING: MeshSecurityState = { kind: 'pending' };
const DISABLED: MeshSecurityState = { kind: 'disabled' };

export class MeshSecurityRegistry {
  private readonly meshes = new Map<string, MeshEntry>();

  constructor(private readonly options: MeshSecurityOptions) {}

  /** Synchronous: what the engine builds with. Unknown meshes are pending. */
  stateOf(mesh: string): MeshSecurityState {
    return this.meshes.get(mesh)?.state ?? PENDING;
  }

  /**
   * A Mesh was created, changed or deleted (`exists` false). Resolves once the
   * new state is in place. A CA that cannot be loaded keeps the previous state
   * (proxies keep working) and is logged.
   */
  async meshChanged(mesh: string, exists: boolean, spec: Readonly<Record<string, unknown>> | undefined): Promise<void> {
    const mtls = spec?.['mtls'] as MeshMtlsSpec | undefined;
    const entry = this.entryOf(mesh);
    if (!exists) {
      this.clearTimers(entry);
      this.meshes.delete(mesh);
      return;
    }
    const backend = enabledBackendOf(mtls);
    if (!backend) {
      this.clearTimers(entry);
      if (entry.state.kind !== 'disabled') this.set(mesh, entry, DISABLED);
      return;
    }
    let issuer: CertificateAuthority;
    try {
      issuer = await loadBackendCa(this.options.store, mesh, backend);
    } catch (error) {
      this.options.logger.error(
        { err: error, mesh, backend: backend.name },
        'cannot load the mesh CA; proxies keep their current configuration',
      );
      if (entry.state.kind === 'pending') this.set(mesh, entry, DISABLED);
      return;
    }
    const next: MeshSecurity = {
      mesh,
      mode: modeOf(backend),
      backend: backend.name,
      issuer,
      trusted: [issuer],
      lifetimeMs: certLifetimeOf(backend),
    };
    const previous = entry.state.kind === 'enabled' ? entry.state.security : undefined;
    if (!previous || previous.issuer.fingerprint === issuer.fingerprint) {
      if (previous && sameSecurity(previous, next)) return; // another field of the Mesh changed: keep the object proxies were built with
      const trusted = previous
        ? [issuer, ...previous.trusted.filter((ca) => ca.fingerprint !== issuer.fingerprint)]
        : [issuer];
      this.set(mesh, entry, { kind: 'enabled', security: { ...next, trusted } });
      return;
    }
    this.switchIssuer(mesh, entry, previous, next);
  }

  close(): void {
    for (const entry of this.meshes.values()) this.clearTimers(entry);
  }

  private switchIssuer(mesh: string, entry: MeshEntry, previous: MeshSecurity, next: MeshSecurity): void {
    const { switchDelayMs, logger } = this.options;
    this.clearTimers(entry);
    const both = [previous.issuer, next.issuer];
    logger.info(
      { mesh, from: previous.backend, to: next.backend, switchDelayMs },
      'mesh CA switch: trusting both roots before issuing from the new one',
    );
    this.set(mesh, entry, { kind: 'enabled', security: { ...previous, mode: next.mode, trusted: both } });
    entry.timers.push(
      setTimeout(() => {
        this.set(mesh, entry, { kind: 'enabled', security: { ...next, trusted: [next.issuer, previous.issuer] } });
        entry.timers.push(
          setTimeout(
            () => this.set(mesh, entry, { kind: 'enabled', security: { ...next, trusted: [next.issuer] } }),
            previous.lifetimeMs,
          ).unref(),
        );
      }, switchDelayMs).unref(),
    );
  }

  private entryOf(mesh: string): MeshEntry {
    let entry = this.meshes.get(mesh);
    if (!entry) {
      entry = { state: PENDING, timers: [] };
      this.meshes.set(mesh, entry);
    }
    return entry;
  }

  private set(mesh: string, entry: MeshEntry, state: MeshSecurityState): void {
    if (this.meshes.get(mesh) !== entry) return; // the mesh was deleted meanwhile
    entry.state = state;
    this.options.onChange(mesh);
  }

  private clearTimers(entry: MeshEntry): void {
    for (const timer of entry.timers) clearTimeout(timer);
    entry.timers = [];
  }
}
