/**
 * The snapshot cache: the newest Snapshot of every proxy, and watches on it.
 * The engine publishes (`set`), xDS streams watch; neither knows the other.
 *
 *   engine ──set(nodeId, snapshot)──► SnapshotCache ──watch(nodeId)──► SotW / delta stream
 *
 * One watch model for both protocol variants, as go-control-plane's linear
 * cache (pkg/cache/v3/linear.go): a watch only learns "this node has a new
 * snapshot"; what to send is the stream's business (ads-stream.ts, one machine for both).
 *
 * Notification is coalescing: every `set` of a node schedules one microtask,
 * and each watcher is handed the newest snapshot only, once. A burst of sets,
 * or a watcher that is slow to look, never sees an old snapshot; the stream
 * side keeps a single pending slot for the same reason (stream-inbox.ts).
 */
import type { Snapshot } from '../index.js';

export type SnapshotListener = (snapshot: Snapshot) => void;

/** What an xDS stream needs: its node's newest snapshot, now and after every change. */
export interface SnapshotSource {
  get(nodeId: string): Snapshot | undefined;
  /**
   * Calls `onSnapshot` with the node's newest snapshot: soon after the call
   * when one exists, then after every `set`. Returns the cancel function.
   */
  watch(nodeId: string, onSnapshot: SnapshotListener): () => void;
}

/** What the engine needs on top: publish a node's snapshot, forget a node. */
export interface SnapshotCache extends SnapshotSource {
  set(nodeId: string, snapshot: Snapshot): void;
  /** Forgets the node's snapshot. Open streams keep serving the last one they had. */
  clear(nodeId: string): void;
}

interface Watcher {
  readonly onSnapshot: SnapshotListener;
  /** The snapshot this watcher was last handed: never the same one twice. */
  delivered: Snapshot | undefined;
}

interface NodeEntry {
  snapshot: Snapshot | undefined;
  readonly watchers: Set<Watcher>;
  flushScheduled: boolean;
}

export interface MemorySnapshotCacheOptions {
  /** Where a throwing listener's error goes; it never stops the other listeners. */
  readonly onListenerError?: (error: unknown, nodeId: string) => void;
}

export class MemorySnapshotCache implements SnapshotCache {
  private readonly nodes = new Map<string, NodeEntry>();
  private readonly onListenerError: (error: unknown, nodeId: string) => void;

  constructor(options: MemorySnapshotCacheOptions = {}) {
    this.onListenerError = options.onListenerError ?? (() => undefined);
  }

  get(nodeId: string): Snapshot | undefined {
    return this.nodes.get(nodeId)?.snapshot;
  }

  set(nodeId: string, snapshot: Snapshot): void {
    const entry = this.entry(nodeId);
    entry.snapshot = snapshot;
    this.scheduleFlush(nodeId, entry);
  }

  clear(nodeId: string): void {
    const entry = this.nodes.get(nodeId);
    if (!entry) return;
    entry.snapshot = undefined;
    this.dropIfUnused(nodeId, entry);
  }

  watch(nodeId: string, onSnapshot: SnapshotListener): () => void {
    const entry = this.entry(nodeId);
    const watcher: Watcher = { onSnapshot, delivered: undefined };
    entry.watchers.add(watcher);
    if (entry.snapshot) this.scheduleFlush(nodeId, entry);
    return () => {
      entry.watchers.delete(watcher);
      this.dropIfUnused(nodeId, entry);
    };
  }

  private entry(nodeId: string): NodeEntry {
    let entry = this.nodes.get(nodeId);
    if (!entry) {
      entry = { snapshot: undefined, watchers: new Set(), flushScheduled: false };
      this.nodes.set(nodeId, entry);
    }
    return entry;
  }

  private scheduleFlush(nodeId: string, entry: NodeEntry): void {
    if (entry.flushScheduled) return;
    entry.flushScheduled = true;
    queueMicrotask(() => {
      entry.flushScheduled = false;
      const snapshot = entry.snapshot;
      if (!snapshot) return;
      for (const watcher of [...entry.watchers]) {
        if (watcher.delivered === snapshot || !entry.watchers.has(watcher)) continue;
        watcher.delivered = snapshot;
        try {
          watcher.onSnapshot(snapshot);
        } catch (error) {
          this.onListenerError(error, nodeId);
        }
      }
    });
  }

  private dropIfUnused(nodeId: string, entry: NodeEntry): void {
    if (entry.snapshot === undefined && entry.watchers.size === 0 && this.nodes.get(nodeId) === entry) {
      this.nodes.delete(nodeId);
    }
  }
}

export const createSnapshotCache = (options?: MemorySnapshotCacheOptions): SnapshotCache =>
  new MemorySnapshotCache(options) satisfies SnapshotCache;
