/**
 * The bridge from the engine to the xDS streams: turns a proxy's context into
 * its resources, encodes them, and publishes the snapshot to the cache.
 *
 * Identical resources are interned by content hash, so every snapshot that
 * holds an equal cluster holds the same object and its bytes once in memory.
 * A proxy whose Dataplane no longer exists is cleared from the cache: its
 * open streams keep the last configuration they had (a deleted or not yet
 * created Dataplane never produces an empty configuration). So is a proxy
 * that disconnected, so that it never gets an old snapshot when it returns.
 *
 * With mesh mTLS the context is completed here with the mesh's TLS and the
 * proxy's certificate. A proxy is not published while either is missing: not
 * while its mesh's CA is still loading (which would configure it in
 * plaintext) and not before its first certificate is issued (Envoy would wait
 * for the Secret anyway; a gRPC client would fail its handshakes). Both
 * sources rebuild the proxy through the engine once they have it.
 *
 * Nor is a snapshot whose references do not resolve (a listener naming a
 * route configuration, a route naming a cluster, that is not in it): the
 * consistency gate holds it back and the proxy keeps its last one.
 */
import type { ProxySink } from '../../mesh/index.js';
import type { WorkloadCertificate, WorkloadTags } from '../../mtls/index.js';
import type { MeshSecurity, MeshSecurityRegistry } from '../../mtls/mesh-security.js';
import { generateProxyConfig, type IdentityContext, type MeshTlsContext, type ProxyContext } from '../generate/index.js';
import { onePerObject } from '../generate/shared.js';
import type { SnapshotCache } from '../server/index.js';
import { buildSnapshot, type EncodedResource } from '../snapshot.js';
import { ConsistencyGate } from './consistency-gate.js';
import type { WorkloadIdentities } from './workload-identities.js';

export interface PublisherSecurity {
  readonly meshes: MeshSecurityRegistry;
  readonly identities: WorkloadIdentities;
}

const tlsContextOf = onePerObject(
  (security: MeshSecurity): MeshTlsContext => ({
    mesh: security.mesh,
    mode: security.mode,
    trustedRootsPem: security.trusted.map((ca) => ca.certificate.toString('pem')).join('\n'),
  }),
);

const identityContextOf = onePerObject(
  (certificate: WorkloadCertificate): IdentityContext => ({ certChainPem: `${certificate.certPem.trimEnd()}\n${certificate.chainPem}`, keyPem: certificate.keyPem }),
);

/** Every tag of every inbound, with all its values: what the certificate certifies. */
export function workloadTagsOf(context: ProxyContext): WorkloadTags {
  const tags: Record<string, string[]> = {};
  for (const inbound of context.inbounds) {
    for (const [tag, value] of Object.entries(inbound.tags)) (tags[tag] ??= []).push(value);
  }
  return tags;
}

export class SnapshotPublisher implements ProxySink {
  /** Content hash → the one shared object. Weak values: dropped when no snapshot holds them. */
  private readonly interned = new Map<string, WeakRef<EncodedResource>>();
  private readonly finalizer = new FinalizationRegistry<string>((key) => {
    if (this.interned.get(key)?.deref() === undefined) this.interned.delete(key);
  });

  /** Warnings of each proxy's last published configuration; only proxies that have some. */
  private readonly warnings = new Map<string, readonly string[]>();

  constructor(
    private readonly cache: SnapshotCache,
    private readonly security?: PublisherSecurity,
    private readonly gate: ConsistencyGate = new ConsistencyGate(),
  ) {}

  update(nodeId: string, context: ProxyContext | undefined): void {
    if (context === undefined) {
      this.cache.clear(nodeId);
      this.warnings.delete(nodeId);
      this.gate.forget(nodeId);
      this.security?.identities.forget(nodeId);
      return;
    }
    const secured = this.secure(nodeId, context);
    if (secured === undefined) return;
    const config = generateProxyConfig(secured);
    const snapshot = buildSnapshot(config.resources.map((r) => this.intern(r)));
    // A snapshot whose references do not resolve is not served; the cache keeps the last one (consistency-gate.ts).
    if (!this.gate.admits(nodeId, snapshot)) return;
    this.cache.set(nodeId, snapshot);
    this.setWarnings(nodeId, config.warnings);
  }

  /** The parts of policies the proxy's last published configuration does not apply, and why (inspection). */
  warningsOf(nodeId: string): readonly string[] {
    return this.warnings.get(nodeId) ?? [];
  }

  private setWarnings(nodeId: string, warnings: readonly string[]): void {
    if (warnings.length > 0) this.warnings.set(nodeId, warnings);
    else this.warnings.delete(nodeId);
  }

  /**
   * The proxy's last stream ended: its snapshot goes too, so that when it
   * reconnects it waits for one built from the current state (engine.connect)
   * rather than being handed the one it had before.
   */
  disconnected(nodeId: string): void {
    this.cache.clear(nodeId);
    this.warnings.delete(nodeId);
    this.gate.forget(nodeId);
    this.security?.identities.forget(nodeId);
  }

  /** How many distinct resources are held; for tests and metrics. */
  get distinctResources(): number {
    return this.interned.size;
  }

  /** The context with its mesh's TLS and its certificate, or undefined while either is not ready. */
  private secure(nodeId: string, context: ProxyContext): ProxyContext | undefined {
    if (!this.security) return context;
    const state = this.security.meshes.stateOf(context.mesh);
    if (state.kind === 'pending') return undefined;
    if (state.kind === 'disabled') {
      this.security.identities.forget(nodeId);
      return context;
    }
    const certificate = this.security.identities.identityFor(nodeId, state.security, workloadTagsOf(context));
    if (certificate === undefined) return undefined;
    return { ...context, tls: tlsContextOf(state.security), identity: identityContextOf(certificate) };
  }

  private intern(resource: EncodedResource): EncodedResource {
    const key = `${resource.typeUrl}\u0000${resource.name}\u0000${resource.version}`;
    const existing = this.interned.get(key)?.deref();
    if (existing) return existing;
    this.interned.set(key, new WeakRef(resource));
    this.finalizer.register(resource, key);
    return resource;
  }
}
