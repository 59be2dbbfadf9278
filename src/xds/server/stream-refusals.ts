/**
 * The gRPC statuses a stream gets from the limits of stream-limits.ts: each
 * says which limit and which `koguma cp run` flag sets it, so whoever reads
 * the proxy's log knows what to change.
 */
import { Code, ConnectError } from '@connectrpc/connect';
import { streamLimitFlags, type StreamLimits } from './stream-limits.js';

/** A stream refused, or ended, by the limit `limit`: RESOURCE_EXHAUSTED naming the limit and its flag. */
export function limitReached(limit: keyof StreamLimits, message: string): ConnectError {
  return new ConnectError(`${message} (raise it with ${streamLimitFlags[limit]})`, Code.ResourceExhausted);
}

/** No first DiscoveryRequest in time: DEADLINE_EXCEEDED naming the flag. */
export function firstRequestLate(timeoutMs: number): ConnectError {
  return new ConnectError(
    `no DiscoveryRequest within ${timeoutMs} ms of opening the stream; an ADS stream must start with one (the wait is set by ${streamLimitFlags.firstRequestTimeoutMs})`,
    Code.DeadlineExceeded,
  );
}
