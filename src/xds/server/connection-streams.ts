/**
 * The ADS streams of each connection, counted so that one connection cannot
 * hold more than `maxStreamsPerConnection` streams, nor more than
 * `maxPendingStreamsPerConnection` that have not sent their first
 * DiscoveryRequest (the cheapest streams to open and the longest to notice).
 *
 *   stream opens ─► admit(connection) ─┬─ over a limit ─► throws RESOURCE_EXHAUSTED
 *                                      └─ AdmittedStream ─► requestReceived() ─► release()
 *
 * A connection is whatever object stands for it: the HTTP/2 session, or the
 * socket of an HTTP/1 request. The DP server puts it in the stream's
 * connect context values (`connectionKey`); a stream without one (the service
 * used on its own) is counted as a connection of its own. A connection is
 * forgotten when its last stream ends, so the map never outgrows the streams.
 */
import { createContextKey, type ConnectError } from '@connectrpc/connect';
import type { StreamLimits } from './stream-limits.js';
import { limitReached } from './stream-refusals.js';

/** The connection an ADS stream arrived on, set by the DP server's adapter. */
export const connectionKey = createContextKey<object | undefined>(undefined, {
  description: 'the connection of an ADS stream',
});

export interface AdmittedStream {
  /** The first DiscoveryRequest arrived: the stream no longer counts as pending. Idempotent. */
  requestReceived(): void;
  /** The stream ended. Idempotent. */
  release(): void;
}

interface Counts {
  open: number;
  pending: number;
  /** Whether a refusal on this connection was reported already (one report per connection, not one per stream). */
  reported: boolean;
}

export type RefusalReport = (message: string) => void;

export class ConnectionStreams {
  private readonly connections = new Map<object, Counts>();

  constructor(
    private readonly limits: Pick<StreamLimits, 'maxStreamsPerConnection' | 'maxPendingStreamsPerConnection'>,
    private readonly onRefused: RefusalReport = () => undefined,
  ) {}

  /** Counts a new stream on `connection`, or throws RESOURCE_EXHAUSTED naming the limit it would pass. */
  admit(connection: object = {}): AdmittedStream {
    const counts = this.connections.get(connection) ?? { open: 0, pending: 0, reported: false };
    if (counts.open >= this.limits.maxStreamsPerConnection) {
      throw this.refuse(
        counts,
        limitReached(
          'maxStreamsPerConnection',
          `this connection already has ${counts.open} ADS streams open, the most one connection may have`,
        ),
      );
    }
    if (counts.pending >= this.limits.maxPendingStreamsPerConnection) {
      throw this.refuse(
        counts,
        limitReached(
          'maxPendingStreamsPerConnection',
          `this connection already has ${counts.pending} ADS streams that have not sent a DiscoveryRequest yet, the most one connection may have`,
        ),
      );
    }
    counts.open++;
    counts.pending++;
    this.connections.set(connection, counts);
    let pending = true;
    let open = true;
    const requestReceived = (): void => {
      if (!pending) return;
      pending = false;
      counts.pending--;
    };
    return {
      requestReceived,
      release: () => {
        if (!open) return;
        open = false;
        requestReceived();
        counts.open--;
        if (counts.open === 0) this.connections.delete(connection);
      },
    };
  }

  /** Connections with at least one stream, their streams, and how many of those are pending. */
  get counts(): { readonly connections: number; readonly streams: number; readonly pending: number } {
    let streams = 0;
    let pending = 0;
    for (const counts of this.connections.values()) {
      streams += counts.open;
      pending += counts.pending;
    }
    return { connections: this.connections.size, streams, pending };
  }

  private refuse(counts: Counts, error: ConnectError): ConnectError {
    if (!counts.reported) {
      counts.reported = true;
      this.onRefused(error.rawMessage);
    }
    return error;
  }
}
