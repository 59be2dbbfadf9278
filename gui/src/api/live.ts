/**
 * Live pages: one server-sent event stream (`GET /_events`) of store changes
 * and proxy status; each event marks the queries on screen stale, and
 * TanStack Query refetches just those. Events arriving together are gathered
 * for a moment, so a burst of a thousand changes costs one refetch per query,
 * not a thousand; the pages stay within a second of the store.
 */
import type { QueryClient } from '@tanstack/react-query';

/** How long events are gathered before the queries on screen refetch. */
const GATHER_MS = 150;

export type LiveState = 'connecting' | 'live' | 'lost';

export function followChanges(client: QueryClient, onState: (state: LiveState) => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      void client.invalidateQueries();
    }, GATHER_MS);
  };
  onState('connecting');
  const source = new EventSource(new URL('/_events', window.location.origin));
  source.addEventListener('hello', () => {
    onState('live');
    // Whatever changed while the stream was down is caught up on now.
    refresh();
  });
  source.addEventListener('resource', refresh);
  source.addEventListener('proxy', refresh);
  // The server missed changes (resync) or dropped this stream (overflow): everything on screen is refetched.
  source.addEventListener('resync', refresh);
  source.addEventListener('overflow', refresh);
  // EventSource reconnects by itself (the server's `retry`); meanwhile the pages say they may be behind.
  source.onerror = () => onState('lost');
  return () => {
    clearTimeout(timer);
    source.close();
  };
}
