/**
 * Records a store's change events for assertions. Events arrive asynchronously
 * (a microtask for memory, a NOTIFY round trip for SQL), so `received` waits for
 * a count and then a short settle time, which lets an extra, unwanted event show
 * up in the result instead of slipping past the assertion.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChangeEvent, ResourceStore } from '../../src/store/index.js';

export interface EventRecorder {
  readonly events: readonly ChangeEvent[];
  /** Waits until `count` events arrived (failing after `timeoutMs`), then `settleMs` more; returns them all. */
  received(count: number, options?: { timeoutMs?: number; settleMs?: number }): Promise<ChangeEvent[]>;
  stop(): void;
}

export function recordEvents(store: ResourceStore, accept: (event: ChangeEvent) => boolean): EventRecorder {
  const events: ChangeEvent[] = [];
  const stop = store.watch((event) => {
    if (accept(event)) events.push(event);
  });
  return {
    events,
    async received(count, { timeoutMs = 60_000, settleMs = 100 } = {}) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} events within ${timeoutMs} ms, got ${JSON.stringify(events)}`);
        }
        await sleep(5);
      }
      await sleep(settleMs);
      return [...events];
    },
    stop,
  };
}
