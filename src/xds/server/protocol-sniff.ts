/**
 * One plaintext port for HTTP/2 (gRPC, with prior knowledge) and HTTP/1.1
 * (`POST /bootstrap` from curl or any HTTP client). Node's
 * `http2.createServer({allowHTTP1})` can only choose by TLS ALPN, so on a
 * cleartext port the choice is made from the first bytes: an HTTP/2 client
 * starts with the connection preface `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`
 * (RFC 9113 §3.4), which no HTTP/1 request line can begin with. The bytes
 * read are put back (`unshift`) before the socket is handed to the HTTP/1 or
 * HTTP/2 server; Node's Http2Session takes the already-buffered bytes over
 * ("bytes already in buffer"), so nothing is lost.
 * The `Upgrade: h2c` dance (RFC 7540 §3.2) is not supported: gRPC clients
 * never use it.
 */
import type { Socket } from 'node:net';

const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface SniffOptions {
  /** A connection that sends nothing for this long is closed. */
  readonly timeoutMs: number;
}

/**
 * Reads just enough of `socket` to tell HTTP/2 with prior knowledge from
 * HTTP/1, then calls `route` with the socket as it was (nothing consumed).
 */
export function sniffHttpVersion(
  socket: Socket,
  route: (socket: Socket, http2: boolean) => void,
  options: SniffOptions,
): void {
  let seen: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), options.timeoutMs);
  const cleanup = (): void => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', onError);
    socket.off('end', onEnd);
  };
  const onError = (): void => {
    cleanup();
    socket.destroy();
  };
  const onEnd = (): void => {
    cleanup();
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const compared = Math.min(seen.length, preface.length);
    const matches = seen.subarray(0, compared).equals(preface.subarray(0, compared));
    if (matches && compared < preface.length) return;
    cleanup();
    socket.pause();
    socket.unshift(seen);
    route(socket, matches);
    // The HTTP/2 session reads the socket natively; an HTTP/1 server reads
    // through 'data' events and needs the flow turned back on.
    if (!matches) socket.resume();
  };
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('end', onEnd);
}
