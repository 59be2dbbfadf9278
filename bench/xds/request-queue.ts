/**
 * An async iterable fed by `push`: the request side of a client bidi stream.
 * Unbounded on purpose: a client queues at most a few requests per response.
 */
export interface RequestQueue<T> {
  push(value: T): void;
  end(): void;
  readonly iterable: AsyncIterable<T>;
}

export function requestQueue<T>(): RequestQueue<T> {
  const queue: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  return {
    push(value) {
      if (ended) return;
      queue.push(value);
      notify();
    },
    end() {
      ended = true;
      notify();
    },
    iterable: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (queue.length > 0) yield queue.shift()!;
          else if (ended) return;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
  };
}
