/**
 * The AggregatedDiscoveryService for @connectrpc/connect: wires one gRPC
 * bidi stream to one protocol state machine (ads-sotw.ts or ads-delta.ts),
 * the node's cache watch and the status sink. The protocol lives in the
 * machines; this module only moves messages and handles the stream's life.
 *
 *   first request ─► parseNodeId ─► identify ─► onStreamOpen ─► status.connected
 *                                     └─ credential revoked later ─► stream ends (its reason's status)
 *   requests ─pump─► StreamInbox ◄─ cache.watch(nodeId)
 *                        └─► SotwStream | DeltaStream ─► responses (yield)
 *   end (client cancel, half-close, shutdown) ─► cancel watch, disconnected, onStreamClose
 *
 * Errors at the edge: a missing or malformed node id is INVALID_ARGUMENT; a
 * KogumaError from `identify` or `onStreamOpen` becomes the gRPC status of
 * its code (`grpcStatusOf`); a server shutdown ends streams with UNAVAILABLE
 * so clients reconnect. The node is read from the first request only (Envoy
 * sends it once); a node in a later request is ignored.
 * Spec: https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#aggregated-discovery-service
 */
import { Code, ConnectError, type ConnectRouter, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import { pino, type Logger } from 'pino';
import { grpcStatusOf, isKogumaError } from '../../api/errors.js';
import type { Node } from '../envoy/gen/envoy/config/core/v3/base_pb.js';
import { AggregatedDiscoveryService } from '../envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import { isCertificatesStream } from '../node-metadata.js';
import { DeltaStream } from './ads-delta.js';
import { SotwStream } from './ads-sotw.js';
import { parseNodeId, type IdentifyNode, type NodeIdentity } from './node-identity.js';
import type { OpenStreams } from './open-streams.js';
import type { ProxyStatusSink, StreamInfo, XdsProtocol } from './proxy-status.js';
import type { SnapshotSource } from './snapshot-cache.js';
import { StreamInbox } from './stream-inbox.js';
import type { XdsStream, XdsStreamOptions } from './xds-stream.js';

export interface AdsServiceOptions {
  readonly snapshots: SnapshotSource;
  readonly status: ProxyStatusSink;
  /** Confirms the node may be who its node id says (node-identity.ts). */
  readonly identify: IdentifyNode;
  /** Registration hooks: a stream of this identity opened (may refuse by throwing a KogumaError) / closed. */
  readonly onStreamOpen?: (identity: NodeIdentity, stream: StreamInfo) => void | Promise<void>;
  readonly onStreamClose?: (identity: NodeIdentity, stream: StreamInfo) => void;
  /** Sent to proxies as `control_plane.identifier`. */
  readonly controlPlaneId?: string;
  /** Where identified streams register, so the server can end them all on shutdown. */
  readonly openStreams?: OpenStreams;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

/** Requests a stream lets wait before it stops reading from the client. */
const maxQueuedRequests = 64;

let streamSequence = 0;

/** A KogumaError's code as its gRPC status; anything unexpected as INTERNAL without details. */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  if (isKogumaError(error)) return new ConnectError(error.message, grpcStatusOf[error.code] as Code);
  return new ConnectError('the xDS server failed to handle this stream; see the control plane log', Code.Internal);
}

export function createAdsService(options: AdsServiceOptions): ServiceImpl<typeof AggregatedDiscoveryService> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const now = options.now ?? (() => new Date());
  return {
    streamAggregatedResources: (requests, context) =>
      serveStream('sotw', requests, context, (stream) => new SotwStream(stream), { ...options, logger, now }),
    deltaAggregatedResources: (requests, context) =>
      serveStream('delta', requests, context, (stream) => new DeltaStream(stream), { ...options, logger, now }),
  };
}

/** Routes for `connectNodeAdapter`. */
export const adsRoutes =
  (options: AdsServiceOptions) =>
  (router: ConnectRouter): void => {
    router.service(AggregatedDiscoveryService, createAdsService(options));
  };

interface ServeOptions extends AdsServiceOptions {
  readonly logger: Logger;
  readonly now: () => Date;
}

async function* serveStream<Request extends { node?: Node | undefined }, Response>(
  protocol: XdsProtocol,
  requests: AsyncIterable<Request>,
  context: HandlerContext,
  makeStream: (options: XdsStreamOptions) => XdsStream<Request, Response>,
  options: ServeOptions,
): AsyncGenerator<Response> {
  const iterator = requests[Symbol.asyncIterator]();
  const first = await iterator.next().catch((error: unknown) => {
    if (context.signal.aborted) return { done: true as const, value: undefined };
    throw error;
  });
  if (first.done) return;

  let identity: NodeIdentity;
  try {
    parseNodeId(first.value.node);
    identity = await options.identify(first.value.node!, context.requestHeader);
  } catch (error) {
    const fields = { protocol, nodeId: first.value.node?.id.slice(0, 200), reason: String(error) };
    if (isKogumaError(error) || error instanceof ConnectError) options.logger.info(fields, 'refused an xDS stream');
    else options.logger.error({ ...fields, err: error }, 'identifying an xDS node failed');
    throw toConnectError(error);
  }
  const stream: StreamInfo = {
    streamId: `${protocol}-${++streamSequence}`,
    nodeId: identity.nodeId,
    protocol,
    since: options.now(),
    ...(isCertificatesStream(identity.metadata) ? { certificatesOnly: true } : {}),
  };
  const log = options.logger.child({ nodeId: identity.nodeId, streamId: stream.streamId });
  try {
    await options.onStreamOpen?.(identity, stream);
  } catch (error) {
    identity.credential?.release();
    log.info({ reason: String(error) }, 'stream refused by registration');
    throw toConnectError(error);
  }
  const reporter = options.status.connected(stream);
  const machine = makeStream({
    reporter,
    log,
    now: options.now,
    ...(options.controlPlaneId !== undefined ? { controlPlaneId: options.controlPlaneId } : {}),
  });
  const inbox = new StreamInbox<Request>();
  const cancelWatch = options.snapshots.watch(identity.nodeId, (snapshot) => inbox.offer(snapshot));
  const onAbort = (): void => inbox.end(context.signal.reason ?? new ConnectError('stream cancelled', Code.Canceled));
  context.signal.addEventListener('abort', onAbort);
  if (context.signal.aborted) onAbort();
  const unregister = options.openStreams?.add((reason) => inbox.end(reason));
  // A credential revoked mid-stream ends the stream with its reason (UNAUTHENTICATED).
  const revoked = identity.credential?.revoked;
  const onRevoked = (): void => {
    log.info({ reason: String(revoked?.reason) }, 'ending an xDS stream: its credential was revoked');
    inbox.end(revoked?.reason);
  };
  revoked?.addEventListener('abort', onRevoked);
  if (revoked?.aborted) onRevoked();
  inbox.push(first.value);
  void pumpRequests(iterator, inbox);
  log.info({ protocol }, 'xDS stream opened');

  try {
    for (;;) {
      const event = await inbox.next();
      if (event.kind === 'end') {
        if (event.error === undefined) return;
        throw toConnectError(event.error);
      }
      let responses: Response[];
      try {
        responses = event.kind === 'request' ? machine.onRequest(event.request) : machine.onSnapshot(event.snapshot);
      } catch (error) {
        log.error({ err: error }, 'xDS stream failed');
        throw toConnectError(error);
      }
      for (const response of responses) yield response;
    }
  } finally {
    cancelWatch();
    unregister?.();
    revoked?.removeEventListener('abort', onRevoked);
    identity.credential?.release();
    context.signal.removeEventListener('abort', onAbort);
    inbox.end();
    reporter.disconnected(options.now());
    try {
      options.onStreamClose?.(identity, stream);
    } catch (error) {
      log.error({ err: error }, 'onStreamClose failed');
    }
    log.info({ protocol, aborted: context.signal.aborted }, 'xDS stream closed');
  }
}

async function pumpRequests<Request>(iterator: AsyncIterator<Request>, inbox: StreamInbox<Request>): Promise<void> {
  try {
    for (;;) {
      await inbox.roomFor(maxQueuedRequests);
      const next = await iterator.next();
      if (next.done) break;
      inbox.push(next.value);
    }
    inbox.end();
  } catch (error) {
    inbox.end(error);
  }
}
