/**
 * LISTEN on a PostgreSQL server that may go away: a connection of its own,
 * subscribed again (with back-off) every time it closes, for as long as the
 * store is open. The `postgres` package re-subscribes once after a drop and
 * gives up silently if the server is still down then; an outage longer than
 * one connection attempt would leave the store deaf for good.
 *
 * Notifications sent while the connection was down are lost; `onSubscribed`
 * tells the store each time it listens again, and the store reads its change
 * log for what it missed (change-feed.ts).
 */
import postgres from 'postgres';
import type { StoreLogger } from '../logger.js';

export interface ResilientListenOptions {
  readonly url: string;
  readonly channel: string;
  readonly onPayload: (payload: string) => void;
  readonly onSubscribed?: (() => void) | undefined;
  readonly logger: StoreLogger;
}

const firstRetryMs = 100;
const maxRetryMs = 2000;

/**
 * Seconds the `postgres` package waits before reconnecting after `attempt`
 * failures. Its default grows to 20 s; the store's health monitor keeps
 * statements off a server that is down, so reconnect promptly once it is back.
 */
export const reconnectBackoff = (attempt: number): number => Math.min(0.05 * 2 ** attempt, 1);

/** Resolves once listening (rejects when the first attempt fails), to the function that stops it. */
export async function listenResiliently(options: ResilientListenOptions): Promise<() => Promise<void>> {
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let attempts = 0;
  const onnotify = (channel: string, payload: string): void => {
    if (channel === options.channel) options.onPayload(payload);
  };
  const sql = postgres(options.url, {
    max: 1,
    max_lifetime: null,
    connect_timeout: 5,
    backoff: reconnectBackoff,
    fetch_types: false,
    onnotice: () => {},
    onclose: () => resubscribeLater(),
    // The package's own option for notifications on any connection; its types omit it.
    ...({ onnotify } as object),
  });
  const quotedChannel = `"${options.channel.replace(/"/g, '""')}"`;

  const subscribe = async (): Promise<void> => {
    await sql.unsafe(`listen ${quotedChannel}`);
    attempts = 0;
    options.onSubscribed?.();
  };

  function resubscribeLater(): void {
    if (stopped || retry !== undefined) return;
    const delay = Math.min(firstRetryMs * 2 ** attempts, maxRetryMs);
    attempts += 1;
    retry = setTimeout(() => {
      retry = undefined;
      if (stopped) return;
      subscribe().then(
        () => options.logger.info({ channel: options.channel }, 'listening for store changes again'),
        (error: unknown) => {
          options.logger.debug({ err: error }, 'cannot listen for store changes yet; retrying');
          resubscribeLater();
        },
      );
    }, delay);
    retry.unref();
  }

  try {
    await subscribe();
  } catch (error) {
    stopped = true;
    await sql.end({ timeout: 0 }).catch(() => {});
    throw error;
  }
  return async () => {
    stopped = true;
    if (retry !== undefined) clearTimeout(retry);
    await sql.end({ timeout: 1 });
  };
}
