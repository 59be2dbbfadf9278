/**
 * The DP server: one port (5678 by default, `--xds-port`) for what data planes
 * talk to: xDS over gRPC (ADS, SotW and delta, ads-service.ts) and
 * `POST /bootstrap` (bootstrap-endpoint.ts), and the admin channels agents
 * open so the control plane can read their Envoy's admin API
 * (admin-tunnel-endpoint.ts).
 *
 *   TLS (default):  TCP ─► TLS, ALPN ─┬─ h2 ─────────► HTTP/2 ─┐
 *                                     └─ http/1.1, none ► HTTP/1 ─┴─► connect router: AggregatedDiscoveryService
 *   plaintext:      TCP ─► protocol-sniff ─┬─ HTTP/2 preface ─► HTTP/2 ─┐      └─ fallback: POST /bootstrap, else 404
 *                                          └─ otherwise ──────► HTTP/1 ─┘
 *
 * One port for both: gRPC clients (grpc-js, Envoy, the proxyless relay of
 * `koguma dp run`) speak HTTP/2; curl and plain HTTP clients POST /bootstrap
 * over HTTP/1.1. With TLS, `http2.createSecureServer({allowHTTP1: true})`
 * chooses by ALPN, so a client must offer `h2` to get HTTP/2 (Envoy's ADS
 * cluster says so in its bootstrap). Plaintext (`--xds-tls false`, for
 * development and benchmarks) has no ALPN, so the first bytes decide: the
 * HTTP/2 connection preface or not (protocol-sniff.ts). Both paths share
 * one request handler, so /bootstrap also answers over HTTP/2.
 *
 * Streams are held to limits per connection and per dataplane
 * (stream-limits.ts); HTTP/2 announces a concurrent-stream ceiling above
 * them. Each stream is counted under its connection: the adapter puts the
 * HTTP/2 session (or the HTTP/1 socket) in the stream's context values.
 *
 * `close()` drains: ADS streams end with UNAVAILABLE (clients reconnect
 * elsewhere), HTTP/2 sessions get a GOAWAY, an HTTP/1 request in flight
 * completes; whatever is still open after `drainTimeoutMs` is cut.
 *
 * Responses are not compressed: xDS payloads are mostly names and addresses
 * that each stream receives once per change, and at thousands of streams
 * gzip costs the control plane more CPU than everything else a change does
 * (measured: docs/benchmarks.md). Envoy and grpc-js do not compress requests.
 */
import http from 'node:http';
import http2 from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Code, ConnectError, createContextValues } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { pino, type Logger } from 'pino';
import { adminTunnelEndpoint } from './admin-tunnel-endpoint.js';
import { ADMIN_TUNNEL_PATH } from './admin-tunnel-protocol.js';
import type { AdminTunnels } from './admin-tunnels.js';
import type { AgentReports } from './agent-reports.js';
import { adsRoutes, streamRegistryLog, type AdsServiceOptions } from './ads-service.js';
import { bootstrapEndpoint, bootstrapPath, type BootstrapHandler } from './bootstrap-endpoint.js';
import type { NodeIdentity } from './node-identity.js';
import { connectionKey } from './connection-streams.js';
import { DpConnections } from './connections.js';
import { OpenStreams } from './open-streams.js';
import { sniffHttpVersion } from './protocol-sniff.js';
import { http2StreamCeiling, type StreamLimits } from './stream-limits.js';
import { StreamRegistry, type StreamCounts } from './stream-registry.js';

export const defaultXdsPort = 5678;

/** Pending connections the kernel queues: a fleet reconnecting at once after a restart. */
const listenBacklog = 4096;
/** A connection that has not sent its first bytes (plaintext) or finished its TLS handshake by then is closed. */
const handshakeTimeoutMs = 10_000;

/** The server's certificate (PEM, possibly a chain) and its key. */
export interface DpServerTls {
  readonly cert: string;
  readonly key: string;
}

export interface DpServerOptions {
  /** Loopback by default, until dataplane tokens are checked (as the REST API). */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Serve TLS with this certificate; without it the port is plaintext (development, benchmarks). */
  readonly tls?: DpServerTls;
  readonly ads: AdsServiceOptions;
  readonly bootstrapHandler: BootstrapHandler;
  /** Where agents' admin channels register (identified as ADS streams are); without it they are refused with 404. */
  readonly adminTunnels?: AdminTunnels;
  /** An agent said over its admin channel that its proxy is stopping. */
  readonly onLeaving?: (identity: NodeIdentity) => Promise<void>;
  /** Where what agents say about their Envoy is kept (`_overview`). */
  readonly agentReports?: AgentReports;
  readonly logger?: Logger;
  readonly bootstrapBodyLimitBytes?: number;
  /** Largest gRPC request message accepted. */
  readonly maxRequestBytes?: number;
  /** How long `close()` lets connections finish before cutting them. */
  readonly drainTimeoutMs?: number;
  /** Limits on concurrent ADS streams; defaults (stream-limits.ts) for those not given. */
  readonly streamLimits?: Partial<StreamLimits>;
}

export interface RunningDpServer {
  readonly host: string;
  readonly port: number;
  /** `https://host:port`, or `http://host:port` when plaintext. */
  readonly url: string;
  readonly tls: boolean;
  /** Serves another certificate to connections made from now on (a renewed one); ignored when plaintext. */
  replaceCertificate(tls: DpServerTls): void;
  /** The ADS streams being served now, by state; all zero once they are gone. */
  streamCounts(): StreamCounts;
  /** Drains and stops. Idempotent. */
  close(): Promise<void>;
}

type Handler = (
  request: http.IncomingMessage | http2.Http2ServerRequest,
  response: http.ServerResponse | http2.Http2ServerResponse,
) => void;

/**
 * Once its response is complete, an HTTP/2 stream whose client has not
 * half-closed is reset with NO_ERROR, the way RFC 9113 §8.1 lets a server
 * stop a request it has answered. Without it a stream the server ended (a
 * refusal, a shutdown, a replaced stream) stays half-open, counting against
 * the connection's concurrent streams, until the client thinks to close it.
 */
function closeRequestAfterResponse(stream: http2.ServerHttp2Stream): void {
  // 'wantTrailers' comes once the last data is queued; the response's own
  // listener, registered first, has sent the trailers (grpc-status) by then.
  stream.once('wantTrailers', () => {
    setImmediate(() => {
      if (!stream.closed && !stream.destroyed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
    });
  });
}

/** TLS: ALPN picks HTTP/2 or HTTP/1.1 for each connection. */
function tlsListener(
  tls: DpServerTls,
  handler: Handler,
  connections: DpConnections,
  settings: http2.Settings,
  logger: Logger,
): http2.Http2SecureServer {
  const server = http2.createSecureServer(
    {
      cert: tls.cert,
      key: tls.key,
      allowHTTP1: true,
      minVersion: 'TLSv1.2',
      handshakeTimeout: handshakeTimeoutMs,
      settings,
    },
    handler,
  );
  server.on('connection', (socket: Socket) => connections.accepted(socket));
  server.on('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol !== 'h2') connections.http1(socket);
  });
  server.on('session', (session) => connections.session(session));
  server.on(
    'request',
    (
      request: http.IncomingMessage | http2.Http2ServerRequest,
      response: http.ServerResponse | http2.Http2ServerResponse,
    ) => {
      if (request.httpVersionMajor === 1)
        connections.http1Request(request.socket as Socket, response as http.ServerResponse);
    },
  );
  // A plaintext client, one that does not trust our CA, or a port scanner: the client sees the refusal.
  server.on('tlsClientError', (error) => logger.debug({ err: error }, 'DP server TLS handshake failed'));
  server.on('clientError', (_error: Error, socket: Socket) => socket.destroy());
  return server;
}

/** Plaintext: the first bytes pick HTTP/2 (prior knowledge) or HTTP/1. */
function plaintextListener(handler: Handler, connections: DpConnections, settings: http2.Settings): NetServer {
  const http1Server = http.createServer(handler);
  http1Server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) =>
    connections.http1Request(request.socket, response),
  );
  http1Server.on('clientError', (_error, socket) => socket.destroy());
  const http2Server = http2.createServer({ settings }, handler);
  http2Server.on('session', (session) => connections.session(session));
  return createNetServer({ noDelay: true }, (socket) => {
    if (!connections.accepted(socket)) return;
    sniffHttpVersion(
      socket,
      (routed, isHttp2) => {
        if (!isHttp2) connections.http1(routed);
        (isHttp2 ? http2Server : http1Server).emit('connection', routed);
      },
      { timeoutMs: handshakeTimeoutMs },
    );
  });
}

export async function startDpServer(options: DpServerOptions): Promise<RunningDpServer> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const host = options.host ?? '127.0.0.1';
  const drainTimeoutMs = options.drainTimeoutMs ?? 5_000;
  const adsLogger = options.ads.logger ?? logger.child({ component: 'ads' });
  const streams = new StreamRegistry(options.streamLimits, streamRegistryLog(adsLogger));
  const settings: http2.Settings = { maxConcurrentStreams: http2StreamCeiling(streams.limits) };
  const bootstrap = bootstrapEndpoint({
    handler: options.bootstrapHandler,
    bodyLimitBytes: options.bootstrapBodyLimitBytes ?? 1024 * 1024,
    logger,
  });
  // Admin channels end on shutdown like ADS streams, but are not counted as ADS streams.
  const adminChannels = new OpenStreams();
  const adminTunnel =
    options.adminTunnels === undefined
      ? undefined
      : adminTunnelEndpoint({
          tunnels: options.adminTunnels,
          identify: options.ads.identify,
          openStreams: adminChannels,
          logger: logger.child({ component: 'admin-tunnel' }),
          ...(options.onLeaving === undefined ? {} : { onLeaving: options.onLeaving }),
          ...(options.agentReports === undefined ? {} : { agentReports: options.agentReports }),
        });
  const adapter = connectNodeAdapter({
    routes: adsRoutes({ ...options.ads, streams, logger: adsLogger }),
    contextValues: (request) =>
      createContextValues().set(connectionKey, 'stream' in request ? request.stream.session : request.socket),
    grpc: true,
    grpcWeb: false,
    connect: false,
    acceptCompression: [],
    readMaxBytes: options.maxRequestBytes ?? 4 * 1024 * 1024,
    fallback: (request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (path === bootstrapPath) return bootstrap(request, response);
      if (path === ADMIN_TUNNEL_PATH && adminTunnel !== undefined)
        return adminTunnel(request, response as http.ServerResponse | http2.Http2ServerResponse);
      response.statusCode = 404;
      response.setHeader('content-type', 'text/plain');
      response.end(`no such endpoint on the DP server: ${request.method ?? ''} ${request.url ?? ''}\n`);
    },
  }) as Handler;
  const handler: Handler = (request, response) => {
    if ('stream' in request) closeRequestAfterResponse(request.stream);
    adapter(request, response);
  };

  const connections = new DpConnections((error) => logger.debug({ err: error }, 'DP server connection error'));
  const secure =
    options.tls === undefined ? undefined : tlsListener(options.tls, handler, connections, settings, logger);
  const server: NetServer = secure ?? plaintextListener(handler, connections, settings);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? defaultXdsPort, host, backlog: listenBacklog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'DP server error'));
  const port = (server.address() as AddressInfo).port;
  const url = `${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url }, `DP server (xDS, /bootstrap) listening on ${url}${secure ? '' : ' without TLS'}`);

  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    streams.open.endAll(new ConnectError('the control plane is shutting down', Code.Unavailable));
    adminChannels.endAll(new Error('the control plane is shutting down'));
    await connections.drain(drainTimeoutMs);
    await stopped;
    logger.info('DP server stopped');
  };
  return {
    host,
    port,
    url,
    tls: secure !== undefined,
    replaceCertificate: (tls) => secure?.setSecureContext({ cert: tls.cert, key: tls.key }),
    streamCounts: () => streams.counts(),
    close: () => (closed ??= close()),
  };
}
