/**
 * Bounds on the ADS streams a client can hold open, so that one connection or
 * one dataplane credential cannot make the control plane keep thousands of
 * streams (each with its watch, protocol state and buffers) alive.
 *
 *   new stream ─► its connection at maxStreamsPerConnection, or at
 *                 maxPendingStreamsPerConnection streams without a request? ─► RESOURCE_EXHAUSTED
 *              ─► no DiscoveryRequest within firstRequestTimeoutMs ─► DEADLINE_EXCEEDED
 *              ─► identified: its dataplane past maxStreamsPerDataplane ─► the OLDEST stream of
 *                 that dataplane ends with RESOURCE_EXHAUSTED; the new one is served
 *   and under all of it, the HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS ceiling (http2StreamCeiling).
 *
 * The defaults never bother a real proxy: an Envoy holds one ADS stream, `koguma
 * dp run --proxyless` two per dataplane (the application's and the agent's
 * certificate stream), each on one connection, and every one of them sends its
 * first DiscoveryRequest as soon as the stream is open.
 *
 * Why the per-dataplane limit ends the oldest stream instead of refusing the
 * newest: a proxy whose TCP connection died without a FIN or RST (a host
 * gone, a NAT entry dropped) reconnects while its old streams still look open
 * here, and they may keep looking open for many minutes. Refusing the newest
 * would lock that proxy out for as long as the dead streams linger; ending the
 * oldest serves the live proxy at once and only ever ends streams nobody reads
 * or that a client has just outnumbered itself. It gives a holder of the
 * dataplane's credential no new power: that holder can already be that
 * dataplane. Two processes misconfigured with one identity do not flap either,
 * as long as together they hold no more streams than the limit.
 *
 * This module has no dependencies, so the settings table (src/cp/config.ts)
 * takes its defaults and flag names from here; stream-refusals.ts builds the
 * gRPC errors.
 */
export interface StreamLimits {
  /** ADS streams one connection (an HTTP/2 session) may have open at once; more are refused. */
  readonly maxStreamsPerConnection: number;
  /** Streams of one connection that have not sent their first DiscoveryRequest yet; more are refused. */
  readonly maxPendingStreamsPerConnection: number;
  /** How long a new stream may wait before sending its first DiscoveryRequest; then it is ended. */
  readonly firstRequestTimeoutMs: number;
  /** Streams of one dataplane (node id) over all connections; past it the oldest is ended. */
  readonly maxStreamsPerDataplane: number;
}

/**
 * Per connection: 50 streams is far above what a proxy or the relay of `dp
 * run` opens and far below what hurts. Pending: a real client's stream is
 * pending for one round trip; 16 covers many streams opened in a burst. The
 * first request comes with the stream's headers in practice; 10 s allows for
 * a saturated link. Per dataplane: 2 streams (proxyless), twice over while a
 * reconnect overlaps the old ones, and twice that again for a second
 * reconnect before the first dead streams are noticed.
 */
export const defaultStreamLimits: StreamLimits = {
  maxStreamsPerConnection: 50,
  maxPendingStreamsPerConnection: 16,
  firstRequestTimeoutMs: 10_000,
  maxStreamsPerDataplane: 8,
};

/** The `koguma cp run` flag that sets each limit: named in every refusal (and used by the settings table). */
export const streamLimitFlags: Readonly<Record<keyof StreamLimits, string>> = {
  maxStreamsPerConnection: '--xds-max-streams-per-connection',
  maxPendingStreamsPerConnection: '--xds-max-pending-streams-per-connection',
  firstRequestTimeoutMs: '--xds-first-request-timeout',
  maxStreamsPerDataplane: '--xds-max-streams-per-dataplane',
};

/**
 * The HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS the DP server announces: a
 * protocol-level ceiling for clients that ignore the refusals. Twice the
 * per-connection limit (and at least the 100 RFC 9113 §6.5.2 recommends), so
 * a client normally meets the limit and its readable RESOURCE_EXHAUSTED first:
 * a stream refused by HTTP/2 itself carries no reason.
 */
export const http2StreamCeiling = (limits: StreamLimits): number => Math.max(100, limits.maxStreamsPerConnection * 2);

/** The limits with defaults for those not given; throws on a value that is not a positive integer. */
export function resolveStreamLimits(given: Partial<StreamLimits> = {}): StreamLimits {
  const limits = { ...defaultStreamLimits, ...given };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0)
      throw new RangeError(`stream limit ${key} must be a positive integer, not ${String(value)}`);
  }
  return limits;
}
