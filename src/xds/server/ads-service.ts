/**
 * The AggregatedDiscoveryService for @connectrpc/connect: wires one gRPC
 * bidi stream to one protocol state machine (ads-stream.ts driven by the
 * variant of ads-sotw.ts or ads-delta.ts), the node's cache watch and the
 * status sink. The protocol lives in the machine; this module only moves
 * messages and handles the stream's life, the same for both variants.
 *
 *   stream opens ─► admitted by its connection's limits (else RESOURCE_EXHAUSTED)
 *   first request (within firstRequestTimeoutMs, else DEADLINE_EXCEEDED)
 *     ─► parseNodeId ─► identify ─► onStreamOpen ─► status.connected ─► counted for its dataplane
 *                                     └─ credential revoked later ─► stream ends (its reason's status)
 *   requests ─pump─► StreamInbox ◄─ cache.watch(nodeId)
 *                        └─► AdsStream (sotw | delta variant) ─► responses (yield)
 *   end (client cancel, half-close, shutdown, replaced) ─► cancel watch, disconnected, onStreamClose
 *
 * Errors at the edge: a missing or malformed node id is INVALID_ARGUMENT; a
 * KogumaError from `identify` or `onStreamOpen` becomes the gRPC status of
 * its code (`grpcStatusOf`); a stream past a limit (stream-limits.ts) is
 * RESOURCE_EXHAUSTED with the limit and its flag named; a server shutdown
 * ends streams with UNAVAILABLE so clients reconnect. The node is read from
 * the first request only (Envoy sends it once); a node in a later request is
 * ignored.
 * Spec: https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#aggregated-discovery-service
 */
import { Code, ConnectError, type ConnectRouter, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import { pino, type Logger } from 'pino';
import { grpcStatusOf, isKogumaError } from '../../api/index.js';
import type { Node } from '../envoy/gen/envoy/config/core/v3/base_pb.js';
import { AggregatedDiscoveryService } from '../envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import { flavourOf, isCertificatesStream, nodeFeaturesOf, nodeVersionOf, TypeUrl } from '../index.js';
import { delta } from './ads-delta.js';
import { sotw } from './ads-sotw.js';
import { AdsStream, type AdsRequest, type AdsResponse, type AdsVariant, type TypeState } from './ads-stream.js';
import { connectionKey } from './connection-streams.js';
import { parseNodeId, type IdentifyNode, type NodeIdentity } from './node-identity.js';
import type { ProxyStatusSink, StreamInfo, StreamStatusReporter, XdsProtocol } from './proxy-status.js';
import type { SnapshotSource } from './snapshot-cache.js';
import { StreamInbox, type InboxEvent } from './stream-inbox.js';
import { firstRequestLate } from './stream-refusals.js';
import { StreamRegistry } from './stream-registry.js';
import type { XdsStream, XdsStreamOptions } from './xds-stream.js';

export interface AdsServiceOptions {
  readonly snapshots: SnapshotSource;
  readonly status: ProxyStatusSink;
  /** Confirms the node may be who its node id says (node-identity.ts). */
  readonly identify: IdentifyNode;
  /** Registration hooks: a stream of this identity opened (may refuse by throwing a KogumaError) / closed. */
  readonly onStreamOpen?: (identity: NodeIdentity, stream: StreamInfo) => void | Promise<void>;
  readonly onStreamClose?: (identity: NodeIdentity, stream: StreamInfo) => void;
  /** The stream's proxy accepted its listeners for the first time on this stream: it can take traffic. */
  readonly onStreamReady?: (identity: NodeIdentity, stream: StreamInfo) => void;
  /** Sent to proxies as `control_plane.identifier`. */
  readonly controlPlaneId?: string;
  /**
   * Where streams register and the limits that hold them (stream-registry.ts).
   * The DP server passes its own, to end every stream on shutdown and report
   * counts; without one, a registry with the default limits.
   */
  readonly streams?: StreamRegistry;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

/** Requests a stream lets wait before it stops reading from the client. */
const maxQueuedRequests = 64;

let streamSequence = 0;

/** A KogumaError's code as its gRPC status; anything unexpected as INTERNAL without details. */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  if (isKogumaError(error)) {
    // gRPC has one message: the fields named by the REST error body go into it.
    const fields = error.invalidParameters.map((p) => `${p.field}: ${p.reason}`).join('; ');
    const message = fields === '' || error.message.includes(fields) ? error.message : `${error.message}: ${fields}`;
    return new ConnectError(message, grpcStatusOf[error.code] as Code);
  }
  return new ConnectError('the xDS server failed to handle this stream; see the control plane log', Code.Internal);
}

export function createAdsService(options: AdsServiceOptions): ServiceImpl<typeof AggregatedDiscoveryService> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const serve: ServeOptions = {
    ...options,
    logger,
    now: options.now ?? (() => new Date()),
    streams: options.streams ?? new StreamRegistry({}, streamRegistryLog(logger)),
  };
  return {
    streamAggregatedResources: (requests, context) => serveStream(sotw, requests, context, serve),
    deltaAggregatedResources: (requests, context) => serveStream(delta, requests, context, serve),
  };
}

/** How a stream registry's refusals and replacements are logged: a refusal once per connection, so a flood costs a line, not one per stream. */
export function streamRegistryLog(logger: Logger): {
  refused: (message: string) => void;
  replaced: (nodeId: string, message: string) => void;
} {
  return {
    refused: (message) => logger.warn({ reason: message }, 'refused xDS streams of a connection over its limits'),
    replaced: (nodeId, message) =>
      logger.info({ nodeId, reason: message }, 'ended the oldest xDS stream of a dataplane'),
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
  readonly streams: StreamRegistry;
}

async function* serveStream<
  Request extends AdsRequest & { node?: Node | undefined },
  Response extends AdsResponse,
  State extends TypeState,
  Content,
>(
  variant: AdsVariant<Request, Response, State, Content>,
  requests: AsyncIterable<Request>,
  context: HandlerContext,
  options: ServeOptions,
): AsyncGenerator<Response> {
  const { protocol } = variant;
  const { streams } = options;
  // Refused here, before anything is read or kept: RESOURCE_EXHAUSTED naming the limit.
  const admitted = streams.connections.admit(context.values.get(connectionKey));
  const inbox = new StreamInbox<Request>();
  const unregister = streams.open.add((reason) => inbox.end(reason));
  const onAbort = (): void => inbox.end(context.signal.reason ?? new ConnectError('stream cancelled', Code.Canceled));
  context.signal.addEventListener('abort', onAbort);
  if (context.signal.aborted) onAbort();
  // Until the node is identified, one request is read ahead at most.
  let identified = false;
  void pumpRequests(requests[Symbol.asyncIterator](), inbox, () => (identified ? maxQueuedRequests : 1));
  const timeoutMs = streams.limits.firstRequestTimeoutMs;
  const deadline = setTimeout(() => {
    options.logger.debug({ protocol, timeoutMs }, 'ending an xDS stream that sent no request');
    inbox.end(firstRequestLate(timeoutMs));
  }, timeoutMs);
  try {
    const first = await inbox.next();
    clearTimeout(deadline);
    admitted.requestReceived();
    if (first.kind !== 'request') {
      const error = first.kind === 'end' ? first.error : undefined;
      if (error === undefined || context.signal.aborted) return;
      throw toConnectError(error);
    }
    const identity = await identifyStream(protocol, variant.resumes(first.request), first.request, context, options);
    identified = true;
    yield* serveIdentified(
      identity,
      first.request,
      inbox,
      context,
      (stream) => new AdsStream(variant, stream),
      options,
    );
  } finally {
    clearTimeout(deadline);
    context.signal.removeEventListener('abort', onAbort);
    inbox.end();
    unregister();
    admitted.release();
  }
}

interface IdentifiedStream {
  readonly identity: NodeIdentity;
  readonly stream: StreamInfo;
  readonly log: Logger;
}

/** Who the node is (`identify`) and whether it may open a stream (`onStreamOpen`); throws the refusal's gRPC status. */
async function identifyStream<Request extends { node?: Node | undefined }>(
  protocol: XdsProtocol,
  resumed: boolean,
  first: Request,
  context: HandlerContext,
  options: ServeOptions,
): Promise<IdentifiedStream> {
  let identity: NodeIdentity;
  try {
    parseNodeId(first.node);
    identity = await options.identify(first.node!, context.requestHeader);
  } catch (error) {
    const fields = { protocol, nodeId: first.node?.id.slice(0, 200), reason: String(error) };
    if (isKogumaError(error) || error instanceof ConnectError) options.logger.info(fields, 'refused an xDS stream');
    else options.logger.error({ ...fields, err: error }, 'identifying an xDS node failed');
    throw toConnectError(error);
  }
  const version = nodeVersionOf(identity.metadata);
  const features = nodeFeaturesOf(identity.metadata);
  const flavour = flavourOf(identity.metadata);
  const stream: StreamInfo = {
    streamId: `${protocol}-${++streamSequence}`,
    nodeId: identity.nodeId,
    protocol,
    since: options.now(),
    resumed,
    ...(isCertificatesStream(identity.metadata) ? { certificatesOnly: true } : {}),
    ...(version === undefined ? {} : { version }),
    ...(features === undefined ? {} : { features }),
    ...(flavour === undefined ? {} : { flavour }),
  };
  const log = options.logger.child({ nodeId: identity.nodeId, streamId: stream.streamId });
  try {
    await options.onStreamOpen?.(identity, stream);
  } catch (error) {
    identity.credential?.release();
    log.info({ reason: String(error) }, 'stream refused by registration');
    throw toConnectError(error);
  }
  return { identity, stream, log };
}

/** Serves an identified stream until it ends: its first request, then requests and snapshots as they come. */
async function* serveIdentified<Request, Response>(
  { identity, stream, log }: IdentifiedStream,
  first: Request,
  inbox: StreamInbox<Request>,
  context: HandlerContext,
  makeStream: (options: XdsStreamOptions) => XdsStream<Request, Response>,
  options: ServeOptions,
): AsyncGenerator<Response> {
  const { protocol } = stream;
  const reporter = onFirstListenerAck(options.status.connected(stream), () => {
    try {
      options.onStreamReady?.(identity, stream);
    } catch (error) {
      log.error({ err: error }, 'onStreamReady failed');
    }
  });
  const machine = makeStream({
    reporter,
    log,
    now: options.now,
    ...(options.controlPlaneId !== undefined ? { controlPlaneId: options.controlPlaneId } : {}),
  });
  const cancelWatch = options.snapshots.watch(identity.nodeId, (snapshot) => inbox.offer(snapshot));
  // Past the dataplane's limit, its oldest stream ends (stream-limits.ts).
  const unregisterDataplane = options.streams.dataplanes.add(identity.nodeId, (reason) => inbox.end(reason));
  // A credential revoked mid-stream ends the stream with its reason (UNAUTHENTICATED).
  const revoked = identity.credential?.revoked;
  const onRevoked = (): void => {
    log.info({ reason: String(revoked?.reason) }, 'ending an xDS stream: its credential was revoked');
    inbox.end(revoked?.reason);
  };
  revoked?.addEventListener('abort', onRevoked);
  if (revoked?.aborted) onRevoked();
  log.info({ protocol }, 'xDS stream opened');

  const handle = (event: InboxEvent<Request> & { kind: 'request' | 'snapshot' }): Response[] => {
    try {
      return event.kind === 'request' ? machine.onRequest(event.request) : machine.onSnapshot(event.snapshot);
    } catch (error) {
      log.error({ err: error }, 'xDS stream failed');
      throw toConnectError(error);
    }
  };
  try {
    for (const response of handle({ kind: 'request', request: first })) yield response;
    for (;;) {
      const event = await inbox.next();
      if (event.kind === 'end') {
        if (event.error === undefined) return;
        throw toConnectError(event.error);
      }
      for (const response of handle(event)) yield response;
    }
  } finally {
    cancelWatch();
    unregisterDataplane();
    revoked?.removeEventListener('abort', onRevoked);
    identity.credential?.release();
    reporter.disconnected(options.now());
    try {
      options.onStreamClose?.(identity, stream);
    } catch (error) {
      log.error({ err: error }, 'onStreamClose failed');
    }
    log.info({ protocol, aborted: context.signal.aborted }, 'xDS stream closed');
  }
}

/** The reporter, also calling `onReady` once, at the first ACK of listeners. */
function onFirstListenerAck(reporter: StreamStatusReporter, onReady: () => void): StreamStatusReporter {
  let ready = false;
  return {
    ...reporter,
    acked(typeUrl, version, at) {
      reporter.acked(typeUrl, version, at);
      if (ready || typeUrl !== TypeUrl.Listener) return;
      ready = true;
      onReady();
    },
  };
}

/** Reads the client's requests into the inbox, never more than `room()` ahead of the stream. */
async function pumpRequests<Request>(
  iterator: AsyncIterator<Request>,
  inbox: StreamInbox<Request>,
  room: () => number,
): Promise<void> {
  try {
    for (;;) {
      await inbox.roomFor(room());
      const next = await iterator.next();
      if (next.done) break;
      inbox.push(next.value);
    }
    inbox.end();
  } catch (error) {
    inbox.end(error);
  }
}
