/**
 * Keeps this instance's registration leases (RegistrationLeases in the store):
 *
 * - a heartbeat every `heartbeatIntervalMs`, so the other instances know this
 *   one is alive; an instance silent for `instanceTtlMs` is dead;
 * - a sweep on the same tick, which removes the self-registered Dataplanes
 *   whose proxy went away more than `removalDelayMs` ago, from this instance
 *   or from a dead one (whichever live instance sweeps first does it);
 * - lease writes (hold, release) in the order they were asked, retried on the
 *   next tick while the store is unavailable, so an outage delays them but
 *   never drops one;
 * - at start, the leases a previous life of this instance id left behind are
 *   released (their proxies reconnect, or are removed after the delay); at a
 *   clean stop, all of this instance's leases are released at once, so the
 *   other instances do not wait for the heartbeat to lapse;
 * - after the sweep, on the same tick, the subscriptions dead instances left
 *   open in the dataplane insights are closed (subscription-finalizer.ts).
 */
import type { Logger } from 'pino';
import type { LeaseKey, RegistrationLeases } from '../../store/index.js';

export interface LeaseKeeperOptions {
  readonly leases: RegistrationLeases;
  readonly removalDelayMs: number;
  readonly instanceTtlMs: number;
  readonly heartbeatIntervalMs: number;
  readonly logger: Logger;
  /** Closes what lapsed instances left open in the dataplane insights, on each tick. */
  readonly subscriptions?: { closeLapsed(): Promise<number> };
}

interface LeaseWrite {
  readonly op: 'hold' | 'release';
  readonly key: LeaseKey;
  readonly version: number;
}

/** Writes waiting for the store beyond this are dropped, oldest first (a proxy flapping through an outage). */
const maxPendingWrites = 10_000;

export class LeaseKeeper {
  private readonly pending: LeaseWrite[] = [];
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private stopped = false;

  constructor(private readonly options: LeaseKeeperOptions) {}

  async start(): Promise<void> {
    await this.options.leases.releaseAll();
    await this.options.leases.heartbeat();
    this.timer = setInterval(() => void this.tick(), this.options.heartbeatIntervalMs);
    this.timer.unref();
  }

  /**
   * This instance serves the proxy of the Dataplane it wrote at `version`.
   * Resolves once written, or once the store refused it (then it is retried
   * on each tick); never rejects.
   */
  hold(key: LeaseKey, version: number): Promise<void> {
    return this.write({ op: 'hold', key, version });
  }

  /** The proxy's last stream here ended. Resolves like `hold`. */
  release(key: LeaseKey, version: number): Promise<void> {
    return this.write({ op: 'release', key, version });
  }

  /** Stops the timer, writes what it can, and releases every lease of this instance. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.flush();
    try {
      await this.options.leases.releaseAll();
    } catch (error) {
      this.options.logger.warn(
        { err: error },
        "cannot release this instance's registration leases; other instances remove its proxies once its heartbeat lapses",
      );
    }
  }

  /** One heartbeat, the pending writes, one sweep. Runs one at a time. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      await this.options.leases.heartbeat();
      await this.flush();
      const removed = await this.options.leases.sweep(this.options.removalDelayMs, this.options.instanceTtlMs);
      for (const key of removed)
        this.options.logger.info(
          { mesh: key.mesh, dataplane: key.name },
          'removed the dataplane of a proxy that went away',
        );
      await this.options.subscriptions?.closeLapsed();
    } catch (error) {
      this.options.logger.debug({ err: error }, 'registration leases not kept this time; retrying on the next tick');
    } finally {
      this.ticking = false;
    }
  }

  private write(write: LeaseWrite): Promise<void> {
    this.pending.push(write);
    if (this.pending.length > maxPendingWrites) this.pending.splice(0, this.pending.length - maxPendingWrites);
    return this.flush();
  }

  /** Applies pending writes in order; stops at the first failure and leaves the rest for the next tick. Never rejects. */
  private async flush(): Promise<void> {
    // A write asked for while a flush is finishing is taken by the next round.
    while (this.writing !== undefined) await this.writing;
    if (this.pending.length === 0) return;
    this.writing = this.writePending().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  private async writePending(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const next = this.pending[0]!;
        if (next.op === 'hold') await this.options.leases.hold(next.key, next.version);
        else await this.options.leases.release(next.key, next.version);
        this.pending.shift();
      }
    } catch (error) {
      this.options.logger.debug(
        { err: error, pending: this.pending.length },
        'registration lease writes wait for the store',
      );
    }
  }
}
