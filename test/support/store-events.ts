/**
 * Records a store's change events for assertions. Events arrive asynchronously
 * (a microtask for memory, a NOTIFY round trip for SQL); `received` waits until
 * the store has delivered everything committed so far (its change-log head),
 * so an extra, unwanted event is in the result instead of slipping past the
 * assertion. Events are returned without their log position (`seq`), which
 * depends on every other write to the database; `withSeq` keeps them whole.
 */
import type { ChangeEvent, ResourceStore, StoreEvent } from '../../src/store/index.js';

export type RecordedEvent = Omit<ChangeEvent, 'seq'>;

export interface EventRecorder {
  readonly events: readonly RecordedEvent[];
  /** Every accepted event as delivered, `seq` included, and resync events. */
  readonly withSeq: readonly StoreEvent[];
  /** Waits until everything committed is delivered and at least `count` events arrived (failing after `timeoutMs`). */
  received(count: number, options?: { timeoutMs?: number }): Promise<RecordedEvent[]>;
  stop(): void;
}

/** Resolves once `store` has delivered every change committed when called. */
export async function storeSettled(store: ResourceStore, timeoutMs = 60_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.head().then((head) => store.delivered(head)),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the store did not deliver its committed changes within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function recordEvents(store: ResourceStore, accept: (event: ChangeEvent) => boolean): EventRecorder {
  const events: RecordedEvent[] = [];
  const withSeq: StoreEvent[] = [];
  const stop = store.watch((event) => {
    if (event.op === 'resync') {
      withSeq.push(event);
      return;
    }
    if (!accept(event)) return;
    withSeq.push(event);
    const { seq: _seq, ...recorded } = event;
    events.push(recorded);
  });
  return {
    events,
    withSeq,
    async received(count, { timeoutMs = 60_000 } = {}) {
      await storeSettled(store, timeoutMs);
      if (events.length < count) {
        throw new Error(`expected ${count} events once the store settled, got ${JSON.stringify(events)}`);
      }
      return [...events];
    },
    stop,
  };
}
