/**
 * The xDS relay of `koguma dp run --proxyless`. A gRPC application's xDS
 * client (grpc-js-xds) dials its xDS server with insecure channel credentials
 * only and sends no call metadata, so it can neither verify the control plane
 * nor present a dataplane token. The agent serves it on loopback instead and
 * relays every HTTP/2 stream to the DP server over TLS, token added.
 *
 *   app ──h2c──► 127.0.0.1:<free port> ─► relay ──h2 over TLS (one session)──► DP server
 *     request headers ───────────► :authority of the CP, + authorization: Bearer <token>
 *     DATA ◄─────────────────────► DATA, piped both ways (HTTP/2 flow control end to end)
 *     response headers, trailers ◄─ forwarded as they come (a trailers-only answer too)
 *     app cancels ───────────────► the upstream stream is cancelled, and the other way round
 *     upstream lost (CP restart, connection or TLS failure, unanswered ping)
 *                                ─► the app's stream ends with UNAVAILABLE; its xDS
 *                                   client opens a new one, which opens a new session
 *
 * Bytes only: messages are never decoded, so any gRPC service passes (ADS,
 * and LRS should the app use it). The relay answers nothing itself except a
 * gRPC status when the upstream fails; it never crashes on what the network does.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { UpstreamSession, type UpstreamOptions } from './xds-relay-upstream.js';
import { relayStream } from './xds-relay-stream.js';
import type { DpLog } from './log.js';

export interface XdsRelayOptions extends UpstreamOptions {
  /** Presented as `authorization: Bearer <token>` on every stream, replacing any the app sent. */
  readonly token?: string;
  /** Loopback port to serve on; 0 (the default) picks a free one. */
  readonly port?: number;
  readonly log: DpLog;
}

export interface XdsRelay {
  /** The gRPC target the application dials: `127.0.0.1:<port>`. */
  readonly target: string;
  readonly port: number;
  /** Stops serving, ends the application's streams and the upstream session. */
  close(): Promise<void>;
}

export async function startXdsRelay(options: XdsRelayOptions): Promise<XdsRelay> {
  const upstream = new UpstreamSession(options, options.log);
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    // The app went away mid-write; its streams end with it.
    session.on('error', () => undefined);
  });
  server.on('stream', (stream, headers) => relayStream(stream, headers, upstream, options.token));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => options.log(`xDS relay: ${error.message}`));
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    target: `127.0.0.1:${port}`,
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
        upstream.close();
      })),
  };
}
