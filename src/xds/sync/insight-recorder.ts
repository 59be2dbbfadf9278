/**
 * Writes each proxy's DataplaneInsight from this instance, the one holding
 * its xDS stream, so that every instance sharing the store sees it (through
 * the change feed, insights/insight-index.ts):
 *
 *   stream connected / sent / acked / nacked / disconnected, certificate issued
 *     ─► ProxyStatusRegistry (live, this instance) and a dirty mark
 *     ─► every `flushMs`: one store write for every dirty proxy, merged with the stored record
 *
 * Writes are coalesced, never per event: a thousand proxies acknowledging a
 * new configuration make one transaction, not four thousand. A write never
 * holds up a stream or a user's write for longer than that one transaction,
 * and a store that cannot be written keeps the marks for the next try: the
 * record catches up, nothing is lost but intermediate counts. A proxy whose
 * Dataplane is gone (deleted, or its mesh) gets no record (the store skips it).
 */
import type { Logger } from 'pino';
import { mergeInsight, type CertificateInsight, type DataplaneInsightSpec } from '../../insights/index.js';
import type { RecordKey, ResourceStore } from '../../store/index.js';
import type { ProxyStatusRegistry, ProxyStatusSink, StreamInfo, StreamStatusReporter } from '../server/index.js';
import { insightMetadataOf, subscriptionOf } from './insight-subscription.js';

export interface InsightRecorderOptions {
  readonly registry: ProxyStatusRegistry;
  readonly store: Pick<ResourceStore, 'writeRecords'>;
  /** The proxy's workload certificate, when it has one. */
  readonly certificates?: { insight(nodeId: string): CertificateInsight | undefined };
  /** How long changes gather before one write; the delay a reader on another instance sees. */
  readonly flushMs?: number;
  readonly logger?: Pick<Logger, 'warn'>;
}

const DEFAULT_FLUSH_MS = 100;
const MAX_RETRY_MS = 2000;

/** `<mesh>.<name>` → the record's key; the node id's first dot separates them (mesh names have none). */
const keyOf = (nodeId: string): RecordKey | undefined => {
  const dot = nodeId.indexOf('.');
  return dot <= 0 ? undefined : { mesh: nodeId.slice(0, dot), name: nodeId.slice(dot + 1) };
};

export class InsightRecorder implements ProxyStatusSink {
  private readonly dirty = new Set<string>();
  private readonly generations = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly options: InsightRecorderOptions) {}

  connected(stream: StreamInfo): StreamStatusReporter {
    const inner = this.options.registry.connected(stream);
    if (stream.certificatesOnly) return inner;
    const { nodeId } = stream;
    this.mark(nodeId);
    return {
      sent: (typeUrl, version, nonce, at) => {
        inner.sent(typeUrl, version, nonce, at);
        this.mark(nodeId);
      },
      acked: (typeUrl, version, at) => {
        inner.acked(typeUrl, version, at);
        this.mark(nodeId);
      },
      nacked: (typeUrl, version, error, at) => {
        inner.nacked(typeUrl, version, error, at);
        this.mark(nodeId);
      },
      disconnected: (at) => {
        inner.disconnected(at);
        this.mark(nodeId);
      },
    };
  }

  /** Something about the proxy changed (its certificate): write its record on the next flush. */
  mark(nodeId: string): void {
    if (this.closed) return;
    this.dirty.add(nodeId);
    this.timer ??= setTimeout(() => void this.flush(), this.delay());
  }

  /** Writes what is dirty now; resolves once written (or failed, then retried later). */
  flush(): Promise<void> {
    this.timer = undefined;
    this.flushing ??= this.write().finally(() => {
      this.flushing = undefined;
      if (this.dirty.size > 0 && !this.closed) this.timer ??= setTimeout(() => void this.flush(), this.delay());
    });
    return this.flushing;
  }

  /** Writes the last changes (the disconnects of a clean stop) and stops. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.write();
    this.closed = true;
  }

  private delay(): number {
    const base = this.options.flushMs ?? DEFAULT_FLUSH_MS;
    return this.failures === 0 ? base : Math.min(base * 2 ** this.failures, MAX_RETRY_MS);
  }

  private async write(): Promise<void> {
    if (this.dirty.size === 0) return;
    const nodes = [...this.dirty];
    this.dirty.clear();
    const keys: RecordKey[] = [];
    const nodeOf = new Map<string, string>();
    for (const nodeId of nodes) {
      const key = keyOf(nodeId);
      if (!key) continue;
      keys.push(key);
      nodeOf.set(`${key.mesh}\u0000${key.name}`, nodeId);
    }
    try {
      await this.options.store.writeRecords('DataplaneInsight', keys, (stored, key) => {
        const nodeId = nodeOf.get(`${key.mesh}\u0000${key.name}`)!;
        const status = this.options.registry.get(nodeId);
        if (!status) return undefined;
        const generation = (this.generations.get(nodeId) ?? 0) + 1;
        this.generations.set(nodeId, generation);
        const mTLS = this.options.certificates?.insight(nodeId);
        const metadata = insightMetadataOf(status);
        const spec = mergeInsight(stored?.spec as DataplaneInsightSpec | undefined, {
          subscriptions: [subscriptionOf(status, generation)],
          ...(mTLS === undefined ? {} : { mTLS }),
          ...(metadata === undefined ? {} : { metadata }),
        });
        return { spec: spec as Record<string, unknown> };
      });
      this.failures = 0;
    } catch (error) {
      // Marked again, written on a later flush with whatever is newest then.
      for (const nodeId of nodes) this.dirty.add(nodeId);
      this.failures += 1;
      this.options.logger?.warn(
        { err: error, proxies: nodes.length },
        'cannot write dataplane insights now; will retry',
      );
    }
  }
}
