/**
 * The connections of the DP server, so that a shutdown can drain them:
 * HTTP/2 sessions get a GOAWAY (streams in flight finish), an HTTP/1 socket
 * is closed as soon as it has no request in flight, and whatever is left
 * after the drain timeout is cut. Transport-agnostic: the plaintext and TLS
 * listeners of dp-server.ts report the same events here.
 */
import type http2 from 'node:http2';
import type { Socket } from 'node:net';

export class DpConnections {
  private closing = false;
  /** Every accepted TCP socket (under TLS too): the count that says "all closed". */
  private readonly sockets = new Set<Socket>();
  private readonly http1Sockets = new Set<Socket>();
  private readonly busyHttp1 = new Set<Socket>();
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private onAllClosed: (() => void) | undefined;

  /** `onError`: a connection or HTTP/2 session failed (a peer gone mid-write); logged, never thrown. */
  constructor(private readonly onError: (error: Error) => void) {}

  /** A TCP connection was accepted; false when it was refused because the server is closing. */
  accepted(socket: Socket): boolean {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (this.sockets.size === 0) this.onAllClosed?.();
    });
    socket.on('error', this.onError);
    if (this.closing) socket.destroy();
    return !this.closing;
  }

  /** The connection (the TCP socket, or the TLS socket over it) speaks HTTP/1. */
  http1(socket: Socket): void {
    this.http1Sockets.add(socket);
    socket.on('close', () => this.http1Sockets.delete(socket));
  }

  /** An HTTP/1 request started on `socket`; the socket is busy until `response` closes. */
  http1Request(socket: Socket, response: { on(event: 'close', listener: () => void): unknown }): void {
    this.busyHttp1.add(socket);
    response.on('close', () => {
      this.busyHttp1.delete(socket);
      if (this.closing) socket.destroy();
    });
  }

  session(session: http2.ServerHttp2Session): void {
    this.sessions.add(session);
    session.on('close', () => this.sessions.delete(session));
    session.on('error', this.onError);
    if (this.closing) session.close();
  }

  /** Asks every connection to finish; resolves once all are closed or `timeoutMs` has passed, then cuts the rest. */
  async drain(timeoutMs: number): Promise<void> {
    this.closing = true;
    for (const session of this.sessions) session.close();
    for (const socket of this.http1Sockets) if (!this.busyHttp1.has(socket)) socket.destroy();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        this.onAllClosed = resolve;
        if (this.sockets.size === 0) resolve();
      }),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
  }
}
