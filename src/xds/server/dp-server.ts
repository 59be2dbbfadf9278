/**
 * The DP server: one port (5678 by default, `--xds-port`) for what data planes
 * talk to: xDS over gRPC (ADS, SotW and delta, ads-service.ts) and
 * `POST /bootstrap` (bootstrap-endpoint.ts).
 *
 *   TCP ─► protocol-sniff ─┬─ HTTP/2 preface ─► http2 server ─┐
 *                          └─ otherwise ──────► http1 server ─┴─► connect router: AggregatedDiscoveryService
 *                                                                  └─ fallback: POST /bootstrap, else 404
 *
 * Decision, one plaintext port for both: gRPC clients (grpc-js, Envoy) speak
 * HTTP/2 with prior knowledge (h2c, no Upgrade); curl and plain HTTP clients
 * POST /bootstrap over HTTP/1.1. `http2.createServer({allowHTTP1: true})`
 * only works with TLS (the choice is made by ALPN), so on cleartext the
 * first bytes decide: the HTTP/2 connection preface or not (protocol-sniff.ts).
 * Both servers share one request handler, so /bootstrap also answers over
 * HTTP/2 (what `koguma dp run` may use) and gRPC would answer over HTTP/1.1
 * where the protocol allows (unary only; ADS streams need HTTP/2). With TLS,
 * later, `http2.createSecureServer({allowHTTP1: true})` replaces the sniffing.
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
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { Code, ConnectError } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { pino, type Logger } from 'pino';
import { adsRoutes, type AdsServiceOptions } from './ads-service.js';
import { bootstrapEndpoint, bootstrapPath, type BootstrapHandler } from './bootstrap-endpoint.js';
import { OpenStreams } from './open-streams.js';
import { sniffHttpVersion } from './protocol-sniff.js';

export const defaultXdsPort = 5678;

/** Pending connections the kernel queues: a fleet reconnecting at once after a restart. */
const listenBacklog = 4096;

export interface DpServerOptions {
  /** Loopback by default, until dataplane tokens are checked (as the REST API). */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly ads: AdsServiceOptions;
  readonly bootstrapHandler: BootstrapHandler;
  readonly logger?: Logger;
  readonly bootstrapBodyLimitBytes?: number;
  /** Largest gRPC request message accepted. */
  readonly maxRequestBytes?: number;
  /** How long `close()` lets connections finish before cutting them. */
  readonly drainTimeoutMs?: number;
}

export interface RunningDpServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  /** Drains and stops. Idempotent. */
  close(): Promise<void>;
}

export async function startDpServer(options: DpServerOptions): Promise<RunningDpServer> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const host = options.host ?? '127.0.0.1';
  const drainTimeoutMs = options.drainTimeoutMs ?? 5_000;
  const openStreams = new OpenStreams();
  const bootstrap = bootstrapEndpoint({
    handler: options.bootstrapHandler,
    bodyLimitBytes: options.bootstrapBodyLimitBytes ?? 1024 * 1024,
    logger,
  });
  const handler = connectNodeAdapter({
    routes: adsRoutes({ ...options.ads, openStreams, logger: options.ads.logger ?? logger.child({ component: 'ads' }) }),
    grpc: true,
    grpcWeb: false,
    connect: false,
    acceptCompression: [],
    readMaxBytes: options.maxRequestBytes ?? 4 * 1024 * 1024,
    fallback: (request, response) => {
      if ((request.url ?? '').split('?')[0] === bootstrapPath) return bootstrap(request, response);
      response.statusCode = 404;
      response.setHeader('content-type', 'text/plain');
      response.end(`no such endpoint on the DP server: ${request.method ?? ''} ${request.url ?? ''}\n`);
    },
  });

  let closing = false;
  const sockets = new Set<Socket>();
  const busyHttp1 = new Set<Socket>();
  const http1Sockets = new Set<Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  let onAllClosed: (() => void) | undefined;

  const http1Server = http.createServer(handler);
  http1Server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    const socket = request.socket;
    busyHttp1.add(socket);
    response.on('close', () => {
      busyHttp1.delete(socket);
      if (closing) socket.destroy();
    });
  });
  http1Server.on('clientError', (_error, socket) => socket.destroy());

  const http2Server = http2.createServer(handler);
  http2Server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', (error) => logger.debug({ err: error }, 'HTTP/2 session error'));
    if (closing) session.close();
  });

  const netServer = createNetServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      http1Sockets.delete(socket);
      if (sockets.size === 0) onAllClosed?.();
    });
    socket.on('error', (error) => logger.debug({ err: error }, 'DP server connection error'));
    if (closing) return void socket.destroy();
    sniffHttpVersion(
      socket,
      (routed, isHttp2) => {
        if (!isHttp2) http1Sockets.add(routed);
        (isHttp2 ? http2Server : http1Server).emit('connection', routed);
      },
      { timeoutMs: 10_000 },
    );
  });

  await new Promise<void>((resolve, reject) => {
    netServer.once('error', reject);
    netServer.listen({ port: options.port ?? defaultXdsPort, host, backlog: listenBacklog }, () => {
      netServer.off('error', reject);
      resolve();
    });
  });
  netServer.on('error', (error) => logger.error({ err: error }, 'DP server error'));
  const port = (netServer.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url }, `DP server (xDS, /bootstrap) listening on ${url}`);

  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    closing = true;
    const stopped = new Promise<void>((resolve) => netServer.close(() => resolve()));
    openStreams.endAll(new ConnectError('the control plane is shutting down', Code.Unavailable));
    for (const session of sessions) session.close();
    for (const socket of http1Sockets) if (!busyHttp1.has(socket)) socket.destroy();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        onAllClosed = resolve;
        if (sockets.size === 0) resolve();
      }),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, drainTimeoutMs))),
    ]);
    clearTimeout(timer);
    for (const socket of sockets) socket.destroy();
    await stopped;
    logger.info('DP server stopped');
  };
  return {
    host,
    port,
    url,
    close: () => (closed ??= close()),
  };
}
