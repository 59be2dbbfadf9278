/**
 * The bridge from the engine to the xDS streams: turns a proxy's context into
 * its resources, encodes them, and publishes the snapshot to the cache.
 *
 * Identical resources are interned by content hash, so every snapshot that
 * holds an equal cluster holds the same object and its bytes once in memory.
 * A proxy whose Dataplane no longer exists is cleared from the cache: its
 * open streams keep the last configuration they had (a deleted or not yet
 * created Dataplane never produces an empty configuration).
 */
import type { ProxySink } from '../../mesh/index.js';
import { generateProxyResources, type ProxyContext } from '../generate/index.js';
import type { SnapshotCache } from '../server/index.js';
import { buildSnapshot, type EncodedResource } from '../snapshot.js';

export class SnapshotPublisher implements ProxySink {
  /** Content hash → the one shared object. Weak values: dropped when no snapshot holds them. */
  private readonly interned = new Map<string, WeakRef<EncodedResource>>();
  private readonly finalizer = new FinalizationRegistry<string>((key) => {
    if (this.interned.get(key)?.deref() === undefined) this.interned.delete(key);
  });

  constructor(private readonly cache: SnapshotCache) {}

  update(nodeId: string, context: ProxyContext | undefined): void {
    if (context === undefined) {
      this.cache.clear(nodeId);
      return;
    }
    this.cache.set(nodeId, buildSnapshot(generateProxyResources(context).map((r) => this.intern(r))));
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
