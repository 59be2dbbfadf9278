/**
 * One server-sent events stream (text/event-stream, per the HTML standard:
 * https://html.spec.whatwg.org/multipage/server-sent-events.html), bounded:
 * while the client does not read, what is written waits in the socket's
 * buffer; once more than `queueLimit` events wait there, the client has
 * fallen behind for good, and the stream ends with a last `event: overflow`
 * (a browser's EventSource then reconnects and reloads what it shows).
 */
import type { ServerResponse } from 'node:http';

/** The part of a response a stream writes to (a fake in unit tests). */
export type SseSink = Pick<ServerResponse, 'write' | 'end' | 'once' | 'destroy' | 'writableEnded'>;

export interface SseStreamOptions {
  /** Events that may wait unsent before the client counts as fallen behind. */
  readonly queueLimit: number;
  /** Runs once when the stream ends, whichever side ends it. */
  readonly onClose: () => void;
  /** How long an ended stream may take to flush before its socket is destroyed. */
  readonly flushTimeoutMs?: number;
}

/** One field per line, as the format wants: a newline in data starts a new `data:` line. */
export function sseFrame(event: string | undefined, data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  const lines = text.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`);
  return `${event === undefined ? '' : `event: ${event}\n`}${lines.join('')}\n`;
}

export class SseStream {
  private waiting = 0;
  private closed = false;

  constructor(
    private readonly sink: SseSink,
    private readonly options: SseStreamOptions,
  ) {
    sink.once('drain', () => this.drained());
    sink.once('close', () => this.finish());
  }

  get open(): boolean {
    return !this.closed;
  }

  /** Sends one event; false once the stream is closed (or just closed for falling behind). */
  send(event: string, data: unknown): boolean {
    if (this.closed) return false;
    if (this.waiting >= this.options.queueLimit) {
      this.close('overflow', {
        reason: `the client fell behind by more than ${this.options.queueLimit} events; reconnect and reload`,
      });
      return false;
    }
    this.write(sseFrame(event, data));
    return true;
  }

  /** A comment line: keeps proxies and browsers from timing the stream out. */
  comment(text: string): void {
    if (!this.closed) this.write(`: ${text}\n\n`);
  }

  /** The client's reconnection delay. */
  retry(ms: number): void {
    if (!this.closed) this.write(`retry: ${ms}\n\n`);
  }

  /** Ends the stream, with a last event when given. */
  close(event?: string, data?: unknown): void {
    if (this.closed) return;
    if (event !== undefined) this.sink.write(sseFrame(event, data ?? {}));
    this.finish();
    this.sink.end();
    // A client that does not read cannot take the end either: it is cut after a while.
    const timer = setTimeout(() => this.sink.destroy(), this.options.flushTimeoutMs ?? 5000);
    timer.unref();
    this.sink.once('close', () => clearTimeout(timer));
  }

  private write(frame: string): void {
    if (!this.sink.write(frame)) this.waiting++;
  }

  private drained(): void {
    this.waiting = 0;
    if (!this.closed) this.sink.once('drain', () => this.drained());
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.onClose();
  }
}
