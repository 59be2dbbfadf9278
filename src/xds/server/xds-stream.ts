/**
 * The seam between the network and the protocol: a stream state machine is
 * fed requests and snapshots and answers with the responses to send. It
 * never touches a socket, a timer or the cache, so a table of inputs is a
 * complete test (ads-sotw.test.ts, ads-delta.test.ts); ads-service.ts feeds
 * it from a gRPC stream and a cache watch. Both variants are one machine,
 * ads-stream.ts.
 *
 *   requests ──onRequest──►┐
 *                          ├─ XdsStream ──► responses
 *   snapshots ─onSnapshot─►┘      └──────► StreamStatusReporter (sent, acked, nacked)
 */
import type { Snapshot } from '../index.js';
import type { StreamStatusReporter } from './proxy-status.js';

export interface XdsStream<Request, Response> {
  onRequest(request: Request): Response[];
  onSnapshot(snapshot: Snapshot): Response[];
}

/** The few log calls a stream makes; a pino Logger fits. */
export interface StreamLog {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface XdsStreamOptions {
  readonly reporter: StreamStatusReporter;
  /** Sent as `control_plane.identifier` so a proxy can tell who configured it. */
  readonly controlPlaneId?: string;
  readonly log?: StreamLog;
  readonly now?: () => Date;
}

export const silentLog: StreamLog = { debug: () => undefined, warn: () => undefined };
