/**
 * Keeps certificate issuance from starving the control plane: when a thousand
 * proxies connect at once (a restart, a CA rotation) each wants a key pair and
 * a signature. At most `concurrency` signings run at a time (key generation and
 * signing run on libuv's thread pool, which xDS encoding and the store share),
 * and starts are paced by a token bucket of `ratePerSecond`, holding `burst`.
 * Waiting work starts in arrival order.
 */
import { setTimeout as sleepMs } from 'node:timers/promises';
import { KogumaError } from '../api/index.js';

export interface IssuanceLimiterOptions {
  /** Signings in flight at once; default 2, one per core of the machines we size for. */
  readonly concurrency?: number;
  /** Bucket refill rate; default 200 per second. */
  readonly ratePerSecond?: number;
  /** Bucket size: starts allowed back to back after a quiet period; default 200. */
  readonly burst?: number;
  /** Monotonic milliseconds; injectable so tests drive the clock. */
  readonly now?: () => number;
  /** Waits for a token; injectable with `now`. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface IssuanceLimiter {
  /** Runs `work` when a slot and a token are free; settles as `work` does. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Refuses new work and rejects waiting work; work already running finishes. */
  close(): void;
  readonly running: number;
  readonly waiting: number;
}

interface Waiting {
  readonly start: () => void;
  readonly reject: (error: Error) => void;
}

const closedError = (): KogumaError =>
  new KogumaError(
    'Unavailable',
    'certificate issuance has stopped (the control plane is shutting down); the request was not started',
  );

export function createIssuanceLimiter(options: IssuanceLimiterOptions = {}): IssuanceLimiter {
  const concurrency = options.concurrency ?? 2;
  const rate = options.ratePerSecond ?? 200;
  const burst = options.burst ?? 200;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => sleepMs(ms));
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError('concurrency must be an integer of at least 1');
  if (!(rate > 0)) throw new RangeError('ratePerSecond must be above 0');
  if (!(burst >= 1)) throw new RangeError('burst must be at least 1');

  const queue: Waiting[] = [];
  let running = 0;
  let tokens = burst;
  let refilledAt = now();
  let sleeping = false;
  let closed = false;

  const refill = (): void => {
    const at = now();
    tokens = Math.min(burst, tokens + ((at - refilledAt) * rate) / 1000);
    refilledAt = at;
  };

  /** Starts waiting work while slots and tokens last; otherwise sleeps until the next token. */
  const pump = (): void => {
    while (!closed && running < concurrency && queue.length > 0) {
      refill();
      if (tokens < 1) {
        wakeForNextToken();
        return;
      }
      tokens -= 1;
      running += 1;
      queue.shift()!.start();
    }
  };

  const wakeForNextToken = (): void => {
    if (sleeping) return;
    sleeping = true;
    void sleep(Math.max(1, Math.ceil(((1 - tokens) * 1000) / rate))).then(() => {
      sleeping = false;
      pump();
    });
  };

  return {
    run<T>(work: () => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(closedError());
      return new Promise<T>((resolve, reject) => {
        const start = (): void => {
          // async wrapper: a `work` that throws synchronously still frees its slot.
          void (async () => work())()
            .then(resolve, reject)
            .finally(() => {
              running -= 1;
              pump();
            });
        };
        queue.push({ start, reject });
        pump();
      });
    },
    close() {
      closed = true;
      for (const waiting of queue.splice(0)) waiting.reject(closedError());
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}
