/**
 * `POST /koguma.admin-tunnel/v1` on the DP server: the control plane's end
 * of the admin tunnel (protocol: admin-tunnel-protocol.ts). It identifies
 * the agent exactly as an ADS stream is identified (the dataplane token in
 * `authorization`, the node id and metadata in the first frame), registers
 * the tunnel with AdminTunnels, and moves frames until either side ends.
 *
 *   hello within helloTimeoutMs? ── no ──► 400, end
 *   identify(node, headers) ─────── refused ─► its status (401, 403, 400), /std-errors body, end
 *   200 + welcome ─► tunnels.open ─► frames ─► tunnels (answers)
 *                                           └─► leaving ─► onLeaving ─► left
 *   ends on: agent closes, a bad frame, a newer tunnel of the same dataplane,
 *            the token revoked, the DP server shutting down
 *
 * HTTP/2 only: the tunnel is one stream that both sides write at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { create } from '@bufbuild/protobuf';
import type { JsonObject } from '@bufbuild/protobuf';
import type { Logger } from 'pino';
import { httpStatusOf, isKogumaError, KogumaError, titleOf } from '../../api/index.js';
import { NodeSchema } from '../envoy/gen/envoy/config/core/v3/base_pb.js';
import {
  ADMIN_TUNNEL_CONTENT_TYPE,
  ADMIN_TUNNEL_PATH,
  encodeFrame,
  TunnelFrameError,
  TunnelFrameReader,
  type TunnelFrame,
} from './admin-tunnel-protocol.js';
import type { AdminTunnels } from './admin-tunnels.js';
import type { AgentReports } from './agent-reports.js';
import type { IdentifyNode, NodeIdentity } from './node-identity.js';
import type { OpenStreams } from './open-streams.js';

export interface AdminTunnelEndpointOptions {
  readonly tunnels: AdminTunnels;
  readonly identify: IdentifyNode;
  /** Where open tunnels register, so a shutdown ends them. */
  readonly openStreams?: OpenStreams;
  readonly logger: Logger;
  /** How long an agent has to send its hello (default 10 s). */
  readonly helloTimeoutMs?: number;
  /** The agent says its proxy is stopping: take it out of callers' endpoints before it stops listening. */
  readonly onLeaving?: (identity: NodeIdentity) => Promise<void>;
  /** Where what agents say about their Envoy is kept. */
  readonly agentReports?: AgentReports;
}

/** How long a tunnel the control plane ended may stay half-open before its stream is reset. */
const END_GRACE_MS = 2_000;

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

function refuse(response: Response, error: KogumaError, status = httpStatusOf[error.code]): void {
  if (response.headersSent) return;
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ type: '/std-errors', status, title: titleOf[error.code], detail: error.message }));
}

/** The request's headers as the fetch API's Headers, as `identify` takes them (where ADS gets connect's). */
function headersOf(request: Http2ServerRequest): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

/** The frames of the agent's request body, one at a time; throws TunnelFrameError on a malformed one. */
async function* framesOf(request: Http2ServerRequest): AsyncGenerator<TunnelFrame> {
  const reader = new TunnelFrameReader();
  for await (const chunk of request as AsyncIterable<Buffer>) yield* reader.push(chunk);
}

export function adminTunnelEndpoint(
  options: AdminTunnelEndpointOptions,
): (request: Request, response: Response) => void {
  return (request, response) => {
    if (request.httpVersionMajor !== 2) {
      refuse(
        response,
        new KogumaError(
          'InvalidInput',
          `${ADMIN_TUNNEL_PATH} needs HTTP/2 (the admin channel is one stream both sides write)`,
        ),
      );
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      refuse(response, new KogumaError('InvalidInput', `${ADMIN_TUNNEL_PATH} accepts POST only`), 405);
      return;
    }
    const stream = (request as Http2ServerRequest).stream;
    void serve(request as Http2ServerRequest, response as Http2ServerResponse, options).catch((error: unknown) => {
      options.logger.error({ err: error }, 'admin channel failed');
      if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    });
  };
}

async function serve(
  request: Http2ServerRequest,
  response: Http2ServerResponse,
  options: AdminTunnelEndpointOptions,
): Promise<void> {
  const frames = framesOf(request);
  const identity = await identifyAgent(request, response, frames, options);
  if (identity === undefined) {
    // Refused: whatever the client still sends is not read; the stream goes, whether or not the client ends it.
    setTimeout(() => request.stream.close(http2.constants.NGHTTP2_NO_ERROR), END_GRACE_MS).unref();
    return;
  }
  const log = options.logger.child({ nodeId: identity.nodeId });
  response.writeHead(200, { 'content-type': ADMIN_TUNNEL_CONTENT_TYPE });
  response.write(encodeFrame({ kind: 'welcome' }));

  let endedBy: string | undefined;
  const stream = request.stream;
  const end = (reason: string): void => {
    if (endedBy !== undefined) return;
    endedBy = reason;
    log.info({ reason }, 'ending an admin channel');
    if (!response.writableEnded) response.end();
    setTimeout(() => stream.close(http2.constants.NGHTTP2_NO_ERROR), END_GRACE_MS).unref();
  };
  const send = (frame: Uint8Array): boolean =>
    !response.writableEnded && !stream.destroyed && (response.write(frame), true);
  const tunnel = options.tunnels.open(identity.nodeId, { send, end });
  const unregister = options.openStreams?.add(() => end('the control plane is shutting down'));
  const revoked = identity.credential?.revoked;
  const onRevoked = (): void => end(`its credential was revoked: ${String(revoked?.reason)}`);
  revoked?.addEventListener('abort', onRevoked);
  if (revoked?.aborted) onRevoked();
  log.info('admin channel opened');

  let closedBecause = 'the agent closed it';
  try {
    for await (const frame of frames) {
      if (frame.header.kind === 'status') {
        options.agentReports?.reported(identity.nodeId, {
          phase: frame.header.phase,
          reason: frame.header.reason,
          at: new Date(),
        });
        continue;
      }
      if (frame.header.kind === 'leaving') {
        await leave(identity, options, log);
        send(encodeFrame({ kind: 'left' }));
        continue;
      }
      if (!tunnel.received(frame)) {
        end(`the agent sent a ${frame.header.kind} frame the control plane did not ask for`);
        break;
      }
    }
  } catch (error) {
    closedBecause =
      error instanceof TunnelFrameError
        ? `the agent broke the protocol: ${error.message}`
        : `the connection failed: ${(error as Error).message}`;
    end(closedBecause);
  } finally {
    tunnel.closed(endedBy ?? closedBecause);
    unregister?.();
    revoked?.removeEventListener('abort', onRevoked);
    identity.credential?.release();
    if (!response.writableEnded) response.end();
    log.info({ reason: endedBy ?? closedBecause }, 'admin channel closed');
  }
}

/** Takes a stopping proxy out of service; its agent waits for `left` either way, so a failure is logged, not fatal. */
async function leave(identity: NodeIdentity, options: AdminTunnelEndpointOptions, log: Logger): Promise<void> {
  try {
    await options.onLeaving?.(identity);
    log.info("the proxy is stopping: taken out of its callers' endpoints");
  } catch (error) {
    log.warn({ err: error }, "cannot take a stopping proxy out of its callers' endpoints");
  }
}

/** The hello, identified; undefined after refusing the agent (the response is then ended). */
async function identifyAgent(
  request: Http2ServerRequest,
  response: Http2ServerResponse,
  frames: AsyncGenerator<TunnelFrame>,
  options: AdminTunnelEndpointOptions,
): Promise<NodeIdentity | undefined> {
  const timeoutMs = options.helloTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const next = frames.next();
  // Settled later (the stream closed) when the timeout wins: never an unhandled rejection.
  next.catch(() => undefined);
  let first: IteratorResult<TunnelFrame> | 'timeout';
  try {
    first = await Promise.race([next, timedOut]);
  } catch (error) {
    // A frame that breaks the protocol is answered; a connection gone before its hello has no one to answer.
    if (error instanceof TunnelFrameError)
      refuse(response, new KogumaError('InvalidInput', `not an admin channel: ${error.message}`));
    return undefined;
  } finally {
    clearTimeout(timer);
  }
  if (first === 'timeout' || first.done === true || first.value.header.kind !== 'hello') {
    const why = first === 'timeout' ? `no hello within ${timeoutMs / 1000}s` : 'the first frame is not a hello';
    refuse(response, new KogumaError('InvalidInput', `not an admin channel: ${why}`));
    if (first === 'timeout') request.stream.close(http2.constants.NGHTTP2_CANCEL);
    return undefined;
  }
  const hello = first.value.header;
  try {
    const node = create(NodeSchema, { id: hello.nodeId, metadata: hello.metadata as JsonObject });
    return await options.identify(node, headersOf(request));
  } catch (error) {
    if (!isKogumaError(error)) throw error;
    options.logger.info({ nodeId: hello.nodeId.slice(0, 200), reason: error.message }, 'refused an admin channel');
    refuse(response, error);
    return undefined;
  }
}
