/**
 * The relay's one HTTP/2 session to the DP server, opened on first use and
 * again whenever the last one is gone: closed, failed, or told GOAWAY (a
 * control plane shutting down finishes the streams it has but takes no new
 * ones). Streams of the application share it, as they would share grpc-js's
 * own connection.
 *
 * A ping every `keepaliveIntervalMs` that goes unanswered for
 * `keepaliveTimeoutMs` ends the session: a control plane whose host vanished
 * without closing the connection would otherwise hold the app's streams open
 * until TCP gives up, minutes later.
 *
 * Logged: each connection made, and each failure once until the next
 * success, so a control plane that is down costs one line, not one per retry.
 */
import http2 from 'node:http2';
import type { DpLog } from './log.js';
import { networkReason } from './network-reason.js';

export interface UpstreamOptions {
  /** The DP server: `https://host:port`, or `http://host:port` for one without TLS. */
  readonly upstreamUrl: string;
  /** PEM of the CA that signs the DP server's certificate; only it is trusted. */
  readonly ca?: string;
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveTimeoutMs?: number;
}

/**
 * Flow-control windows of the upstream session. Node's defaults (64 KiB) allow
 * one window per round trip: a mesh-sized snapshot over a WAN would crawl.
 */
const STREAM_WINDOW_BYTES = 1 << 20;
const SESSION_WINDOW_BYTES = 8 << 20;

export class UpstreamSession {
  readonly authority: string;
  readonly scheme: 'https' | 'http';
  private current: http2.ClientHttp2Session | undefined;
  private lastFailure: string | undefined;
  private connectedOnce = false;
  private closed = false;

  constructor(
    private readonly options: UpstreamOptions,
    private readonly log: DpLog,
  ) {
    const url = new URL(options.upstreamUrl);
    this.authority = url.host;
    this.scheme = url.protocol === 'https:' ? 'https' : 'http';
  }

  /** A new stream to the DP server. Throws when no session can even be started (the caller answers the app). */
  request(headers: http2.OutgoingHttpHeaders): http2.ClientHttp2Stream {
    if (this.closed) throw new Error('the relay is closing');
    // A session can turn unusable between our check and the call (a GOAWAY just read): one more try on a fresh one.
    for (let attempt = 0; ; attempt++) {
      const session = this.session();
      try {
        return session.request(headers, { endStream: false });
      } catch (error) {
        this.forget(session);
        if (attempt > 0) throw error;
      }
    }
  }

  /** Why the session failed, as the app's UNAVAILABLE message should say it. */
  describe(error: unknown): string {
    // A stream that never started carries the session's failure as its cause ("pending stream has been canceled").
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const err = cause instanceof Error ? (cause as NodeJS.ErrnoException) : new Error(String(cause));
    return networkReason(err, this.scheme === 'https');
  }

  close(): void {
    this.closed = true;
    this.current?.destroy();
    this.current = undefined;
  }

  private session(): http2.ClientHttp2Session {
    const live = this.current;
    if (live !== undefined && !live.closed && !live.destroyed) return live;
    const session = http2.connect(this.options.upstreamUrl, {
      ...(this.options.ca === undefined ? {} : { ca: this.options.ca }),
      settings: { initialWindowSize: STREAM_WINDOW_BYTES },
    });
    this.current = session;
    let stopKeepalive = (): void => undefined;
    session.on('connect', () => {
      session.setLocalWindowSize(SESSION_WINDOW_BYTES);
      stopKeepalive = this.keepalive(session);
      if (this.lastFailure !== undefined || !this.connectedOnce)
        this.log(`xDS relay: connected to the control plane at ${this.options.upstreamUrl}`);
      this.connectedOnce = true;
      this.lastFailure = undefined;
    });
    session.on('error', (error) => this.failed(this.describe(error)));
    session.on('goaway', () => {
      this.forget(session);
      if (!this.closed)
        this.failed('the control plane is going away (restarting or shutting down); the application reconnects');
    });
    session.on('close', () => {
      stopKeepalive();
      this.forget(session);
    });
    return session;
  }

  private forget(session: http2.ClientHttp2Session): void {
    if (this.current === session) this.current = undefined;
  }

  private failed(reason: string): void {
    if (this.closed || reason === this.lastFailure) return;
    this.lastFailure = reason;
    this.log(`xDS relay: control plane at ${this.options.upstreamUrl}: ${reason}`);
  }

  /** Pings the session on a timer; destroys it when a ping goes unanswered. Returns the stop function. */
  private keepalive(session: http2.ClientHttp2Session): () => void {
    const intervalMs = this.options.keepaliveIntervalMs ?? 30_000;
    const timeoutMs = this.options.keepaliveTimeoutMs ?? 10_000;
    let deadline: NodeJS.Timeout | undefined;
    const timer = setInterval(() => {
      if (deadline !== undefined) return;
      deadline = setTimeout(
        () => session.destroy(new Error(`the control plane did not answer a ping within ${timeoutMs} ms`)),
        timeoutMs,
      );
      deadline.unref();
      const answered = (): void => {
        clearTimeout(deadline);
        deadline = undefined;
      };
      try {
        // false: too many pings in flight already; the deadline of the first one still runs.
        if (!session.ping(answered)) answered();
      } catch {
        answered(); // the session is being destroyed; its 'close' stops this timer
      }
    }, intervalMs);
    timer.unref();
    return () => {
      clearInterval(timer);
      clearTimeout(deadline);
    };
  }
}
