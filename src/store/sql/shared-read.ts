/**
 * Shares one read among concurrent callers without handing anyone a stale
 * answer: a caller arriving while a read is in flight (which may have started
 * before what the caller must see was committed) waits for the next read,
 * which every caller arriving meanwhile shares. A burst of n callers costs at
 * most two reads, not n — 10,000 proxies reconnecting at once ask the store
 * for its change-log head this way.
 */
export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  let queued: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const running: Promise<T> = read().finally(() => {
      if (inFlight === running) inFlight = undefined;
    });
    inFlight = running;
    return running;
  };
  return () => {
    if (inFlight === undefined) return start();
    queued ??= inFlight
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}
