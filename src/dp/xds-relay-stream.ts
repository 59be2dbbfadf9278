/**
 * One relayed stream: the application's HTTP/2 stream on the loopback side
 * ("down") and its twin on the control plane's session ("up").
 *
 *   down request headers ─► forwardedHeaders ─► up
 *   down DATA ──pipe──► up              up DATA ──pipe──► down
 *   up response headers ─► down.respond (waitForTrailers, or endStream for trailers-only)
 *   up trailers ─────────► down.sendTrailers
 *   down closes first (app cancelled, or done) ─► up cancelled
 *   up fails or is reset before its trailers   ─► down ends with grpc-status UNAVAILABLE
 *
 * gRPC over HTTP/2: https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 */
import http2 from 'node:http2';
import type { UpstreamSession } from './xds-relay-upstream.js';

const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR, NGHTTP2_FLAG_END_STREAM } = http2.constants;

/** gRPC status UNAVAILABLE: the client retries, for xDS by opening a new stream. */
const UNAVAILABLE = '14';

/** Request headers that describe one hop, not the request (RFC 9113 §8.2.2); HTTP/2 forbids sending them. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

/**
 * The app's request headers as the control plane gets them: its own
 * `:authority` and `:scheme`, the relay's token instead of any the app sent,
 * marked sensitive so HPACK never indexes it.
 */
export function forwardedHeaders(
  headers: http2.IncomingHttpHeaders,
  upstream: Pick<UpstreamSession, 'authority' | 'scheme'>,
  token?: string,
): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (name.startsWith(':') && name !== ':method' && name !== ':path') continue;
    if (name === 'te' && value !== 'trailers') continue;
    if (name === 'authorization' && token !== undefined) continue;
    out[name] = value;
  }
  out[':scheme'] = upstream.scheme;
  out[':authority'] = upstream.authority;
  if (token !== undefined) {
    out['authorization'] = `Bearer ${token}`;
    // OutgoingHttpHeaders has no symbol keys in @types/node; node reads this one (http2.sensitiveHeaders docs).
    Object.defineProperty(out, http2.sensitiveHeaders, { value: ['authorization'], enumerable: false });
  }
  return out;
}

/** Response headers minus pseudo-headers other than `:status`, which `respond` would refuse. */
function responseHeaders(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && (!name.startsWith(':') || name === ':status')) out[name] = value;
  return out;
}

/** grpc-message is percent-encoded: printable ASCII but `%` as is, everything else as UTF-8 bytes. */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const unavailable = (message: string): http2.OutgoingHttpHeaders => ({
  'grpc-status': UNAVAILABLE,
  'grpc-message': encodeGrpcMessage(message),
});

export function relayStream(
  down: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  upstream: UpstreamSession,
  token?: string,
): void {
  // Trailers to send down: the control plane's, or ours when it failed before sending them.
  let trailers: http2.OutgoingHttpHeaders | undefined;
  let failure: string | undefined;
  down.on('error', () => undefined);

  const fail = (message: string): void => {
    if (down.closed || down.destroyed || failure !== undefined) return;
    failure = message;
    if (!down.headersSent) {
      // Trailers-only: the status in the one HEADERS frame.
      down.respond(
        { ':status': 200, 'content-type': 'application/grpc', ...unavailable(message) },
        { endStream: true },
      );
      return;
    }
    trailers = unavailable(message);
    up?.unpipe(down);
    if (!down.writableEnded) down.end();
  };

  let up: http2.ClientHttp2Stream | undefined;
  try {
    up = upstream.request(forwardedHeaders(headers, upstream, token));
  } catch (error) {
    fail(`the relay cannot reach the control plane: ${upstream.describe(error)}`);
    return;
  }
  const stream = up;

  stream.on('response', (responded, flags) => {
    if (down.closed || down.destroyed || down.headersSent) return;
    if ((flags & NGHTTP2_FLAG_END_STREAM) !== 0) {
      down.respond(responseHeaders(responded), { endStream: true });
      return;
    }
    down.respond(responseHeaders(responded), { waitForTrailers: true });
    stream.pipe(down);
  });
  stream.on('trailers', (received) => {
    if (failure === undefined) trailers = responseHeaders(received);
  });
  down.on('wantTrailers', () =>
    down.sendTrailers(trailers ?? unavailable('the control plane ended the stream without a gRPC status')),
  );
  down.pipe(stream);

  stream.on('error', (error) => fail(`the connection to the control plane failed: ${upstream.describe(error)}`));
  stream.on('close', () => {
    // Reset, or closed with the session, before its end: the app must hear about it.
    if (stream.rstCode !== undefined && stream.rstCode !== NGHTTP2_NO_ERROR && trailers === undefined) {
      fail(`the control plane reset the stream (HTTP/2 error ${stream.rstCode})`);
    }
  });
  down.on('close', () => {
    if (!stream.closed && !stream.destroyed) stream.close(NGHTTP2_CANCEL);
  });
}
