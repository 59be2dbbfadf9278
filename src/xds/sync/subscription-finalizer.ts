/**
 * Closes the xDS subscriptions that instances which are gone left open in
 * the stored DataplaneInsight records, so that a proxy whose instance died
 * (SIGKILL, lost host) reads offline everywhere instead of online forever:
 *
 *   every tick (lease-keeper.ts)   leftOpen(lapsed) ─► writeRecords(closeSubscriptions)
 *   at start, before any stream    leftOpen(own)    ─► the same: what a previous life of this id left
 *   at a clean stop, after the     leftOpen(own)    ─► the same, at the stop time: whatever the
 *   recorder's last write                               recorder could not write
 *
 * Several live instances may close one dead instance's subscriptions at once:
 * each merge runs inside the store's write, sees the other's result and
 * changes nothing (closeSubscriptions never touches a closed subscription),
 * and the close time is read from the store, so it is the same whoever wins.
 * Work comes in batches of `batch` records, at most `maxBatches` a tick; the
 * rest waits for the next tick.
 */
import type { Logger } from 'pino';
import { closeSubscriptions, type DataplaneInsightSpec } from '../../insights/index.js';
import type { LeftOpenSubscription, RegistrationLeases, ResourceStore } from '../../store/index.js';

export interface SubscriptionFinalizerOptions {
  readonly leases: Pick<RegistrationLeases, 'leftOpen'>;
  readonly store: Pick<ResourceStore, 'writeRecords'>;
  readonly instanceTtlMs: number;
  readonly batch?: number;
  readonly maxBatches?: number;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
}

const DEFAULT_BATCH = 500;
const DEFAULT_MAX_BATCHES = 20;

const slotOf = (key: { mesh: string; name: string }): string => `${key.mesh}\u0000${key.name}`;

export class SubscriptionFinalizer {
  constructor(private readonly options: SubscriptionFinalizerOptions) {}

  /** Closes what lapsed instances left open; resolves with the number of records written. Rejects when the store fails. */
  closeLapsed(): Promise<number> {
    return this.close('lapsed');
  }

  /**
   * Closes what this instance's id left open: at start (a previous life, closed
   * when it was last seen) or at a clean stop (closed `at`, now). Never rejects:
   * what it cannot close, the other instances close once this one's heartbeat lapses.
   */
  async closeOwn(at?: Date): Promise<number> {
    try {
      return await this.close('own', at);
    } catch (error) {
      this.options.logger.warn(
        { err: error },
        "cannot close this instance's subscriptions in the dataplane insights; the other instances close them once its heartbeat lapses",
      );
      return 0;
    }
  }

  private async close(of: 'lapsed' | 'own', at?: Date): Promise<number> {
    const batch = this.options.batch ?? DEFAULT_BATCH;
    let written = 0;
    for (let round = 0; round < (this.options.maxBatches ?? DEFAULT_MAX_BATCHES); round += 1) {
      const found = await this.options.leases.leftOpen({ of, instanceTtlMs: this.options.instanceTtlMs, limit: batch });
      if (found.length === 0) break;
      const count = await this.write(found, at);
      written += count;
      if (count > 0)
        this.options.logger.info(
          { records: count, instances: [...new Set(found.map((f) => f.instanceId))] },
          of === 'own'
            ? "closed this instance's subscriptions left open in dataplane insights"
            : 'closed the subscriptions of control-plane instances that stopped heartbeating',
        );
      // Fewer than a batch: nothing more is open. A full batch none of which changed: another instance is on it.
      if (found.length < batch || count === 0) break;
    }
    return written;
  }

  private async write(found: readonly LeftOpenSubscription[], at: Date | undefined): Promise<number> {
    const gone = new Map<string, Map<string, Date | undefined>>();
    for (const entry of found) {
      const slot = slotOf(entry);
      const instances = gone.get(slot) ?? new Map<string, Date | undefined>();
      instances.set(entry.instanceId, at ?? entry.lastSeen);
      gone.set(slot, instances);
    }
    const keys = [...new Map(found.map((entry) => [slotOf(entry), { mesh: entry.mesh, name: entry.name }])).values()];
    return this.options.store.writeRecords('DataplaneInsight', keys, (stored, key) => {
      const closed = closeSubscriptions(stored?.spec as DataplaneInsightSpec | undefined, gone.get(slotOf(key))!);
      return closed === undefined
        ? undefined
        : { labels: stored?.labels ?? {}, spec: closed as Record<string, unknown> };
    });
  }
}
