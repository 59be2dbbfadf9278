/**
 * Whether the database answers, learned from the statements themselves: a
 * statement that fails as Unavailable marks the store down (since then).
 * While down, statements fail at once with Unavailable instead of queueing
 * behind a pool that waits between reconnection attempts (requests then get
 * a prompt 503, not a timeout), and a probe statement runs every
 * `probeIntervalMs`; the first that succeeds marks the store up again and
 * runs `onRecovered` (the change feed then reads what it missed).
 */
import { isKogumaError, KogumaError } from '../../api/index.js';
import type { StoreLogger } from '../logger.js';
import type { StoreHealth } from '../types.js';
import type { SqlDriver } from './driver.js';

export interface HealthMonitorOptions {
  readonly probe: () => Promise<unknown>;
  readonly probeIntervalMs: number;
  readonly onRecovered: () => void;
  readonly logger: StoreLogger;
  readonly description: string;
}

/** What the database client said, without the store's own prefix. */
const reasonOf = (error: KogumaError): string => (error.cause instanceof Error ? error.cause.message : error.message);

export class HealthMonitor {
  private state: StoreHealth = { available: true };
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: HealthMonitorOptions) {}

  health(): StoreHealth {
    return this.state;
  }

  /** Runs a statement and learns from its outcome; fails at once while the store is down. */
  async observe<T>(call: () => Promise<T>): Promise<T> {
    if (!this.state.available) {
      const since = this.state.since?.toISOString() ?? 'a moment ago';
      throw new KogumaError(
        'Unavailable',
        `${this.options.description} is unavailable since ${since}: ${this.state.reason ?? 'no answer'}`,
      );
    }
    let result: T;
    try {
      result = await call();
    } catch (error) {
      if (isKogumaError(error, 'Unavailable')) this.down(reasonOf(error));
      throw error;
    }
    this.up();
    return result;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private down(reason: string): void {
    if (this.closed) return;
    if (!this.state.available) {
      this.state = { ...this.state, reason };
      return;
    }
    this.state = { available: false, since: new Date(), reason };
    this.options.logger.warn(
      { reason },
      `${this.options.description} is unavailable; serving the last state read and probing for it`,
    );
    this.timer = setInterval(() => {
      this.options.probe().then(
        () => this.up(),
        (error: unknown) => {
          if (isKogumaError(error, 'Unavailable')) this.down(reasonOf(error));
        },
      );
    }, this.options.probeIntervalMs);
    this.timer.unref();
  }

  private up(): void {
    if (this.state.available) return;
    const since = this.state.since;
    this.state = { available: true };
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const downMs = since === undefined ? 0 : Date.now() - since.getTime();
    this.options.logger.info(
      { downMs },
      `${this.options.description} answers again after ${Math.round(downMs / 100) / 10} s`,
    );
    if (!this.closed) this.options.onRecovered();
  }
}

/** The driver with every call observed by `monitor`. */
export function observedDriver(driver: SqlDriver, monitor: HealthMonitor): SqlDriver {
  return {
    description: driver.description,
    query: (text, params) => monitor.observe(() => driver.query(text, params)),
    transaction: (fn) => monitor.observe(() => driver.transaction(fn)),
    listen: (channel, onPayload, onSubscribed) =>
      monitor.observe(() => driver.listen(channel, onPayload, onSubscribed)),
    close: () => driver.close(),
  };
}
