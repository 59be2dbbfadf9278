/**
 * The bridge from the engine to the xDS streams: hands a proxy's context to
 * the proxy build (xds/build) and publishes what it returns to the cache.
 *
 * Identical resources are interned by content hash, so every snapshot that
 * holds an equal cluster holds the same object and its bytes once in memory.
 * A proxy whose Dataplane no longer exists is cleared from the cache: its
 * open streams keep the last configuration they had (a deleted or not yet
 * created Dataplane never produces an empty configuration). So is a proxy
 * that disconnected, so that it never gets an old snapshot when it returns.
 * A proxy the build cannot configure yet (its mesh's CA or its certificate is
 * not ready: xds/build/proxy-security.ts) is not published at all.
 *
 * Nor is a snapshot whose references do not resolve (a listener naming a
 * route configuration, a route naming a cluster, that is not in it): the
 * consistency gate holds it back and the proxy keeps its last one.
 */
import type { ProxySink } from '../../mesh/index.js';
import type { ProxyBuild } from '../build/index.js';
import type { ProxyContext } from '../generate/index.js';
import type { SnapshotCache } from '../server/index.js';
import { buildSnapshot, type EncodedResource, type Snapshot } from '../index.js';
import { ConsistencyGate } from './consistency-gate.js';

/** Told what the publisher does (the control plane's metrics). */
export interface PublishObserver {
  /** One proxy build took `seconds`. */
  built?(seconds: number): void;
  /** A snapshot built for a change the engine learnt of at `changedAt` (ms) is about to be served. */
  published?(nodeId: string, snapshot: Snapshot, previous: Snapshot | undefined, changedAt: number): void;
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
    private readonly build: ProxyBuild,
    private readonly gate: ConsistencyGate = new ConsistencyGate(),
    private readonly observer: PublishObserver = {},
  ) {}

  update(nodeId: string, context: ProxyContext | undefined, changedAt?: number): void {
    if (context === undefined) {
      this.cache.clear(nodeId);
      this.warnings.delete(nodeId);
      this.build.forget(nodeId);
      this.gate.forget(nodeId);
      return;
    }
    const started = performance.now();
    const config = this.build.configOf(nodeId, context);
    this.observer.built?.((performance.now() - started) / 1000);
    if (config === undefined) return;
    const snapshot = buildSnapshot(config.resources.map((r) => this.intern(r)));
    // A snapshot whose references do not resolve is not served; the cache keeps the last one (consistency-gate.ts).
    const previous = this.cache.get(nodeId);
    if (!this.gate.admits(nodeId, snapshot, previous)) return;
    if (changedAt !== undefined) this.observer.published?.(nodeId, snapshot, previous, changedAt);
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
    this.build.forget(nodeId);
    this.gate.forget(nodeId);
  }

  /** How many distinct resources are held; for tests and metrics. */
  get distinctResources(): number {
    return this.interned.size;
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
