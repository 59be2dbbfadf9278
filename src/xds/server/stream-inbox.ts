/**
 * What one xDS stream has to handle next: the client's requests, in order,
 * and the newest snapshot of its node, in a single slot. While the stream is
 * busy (a slow client, HTTP/2 flow control) new snapshots replace the pending
 * one, so a slow stream never works through old snapshots (the coalescing
 * half that snapshot-cache.ts leaves to the stream).
 *
 *   request pump ──push──►┐
 *   cache watch ──offer──►├─ StreamInbox ──next()──► the stream loop
 *   abort / end ──end────►┘
 */
import type { Snapshot } from '../index.js';

export type InboxEvent<Request> =
  | { readonly kind: 'request'; readonly request: Request }
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot }
  | { readonly kind: 'end'; readonly error?: unknown };

export class StreamInbox<Request> {
  private readonly requests: Request[] = [];
  private snapshot: Snapshot | undefined;
  private ended: { error?: unknown } | undefined;
  private wake: (() => void) | undefined;
  private room: (() => void) | undefined;

  push(request: Request): void {
    if (this.ended) return;
    this.requests.push(request);
    this.notify();
  }

  /** Replaces any snapshot not yet taken. */
  offer(snapshot: Snapshot): void {
    if (this.ended) return;
    this.snapshot = snapshot;
    this.notify();
  }

  /** The stream is over: requests already queued are still handed out, then `end`. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = error === undefined ? {} : { error };
    this.notify();
    this.release();
  }

  /**
   * Resolves once fewer than `limit` requests wait (or the stream ended), so
   * the request pump stops reading from a client that sends faster than the
   * stream handles; HTTP/2 flow control then slows the client down.
   */
  async roomFor(limit: number): Promise<void> {
    while (this.requests.length >= limit && !this.ended) await new Promise<void>((resolve) => (this.room = resolve));
  }

  async next(): Promise<InboxEvent<Request>> {
    for (;;) {
      const request = this.requests.shift();
      if (request !== undefined) {
        this.release();
        return { kind: 'request', request };
      }
      if (this.ended) return { kind: 'end', ...this.ended };
      const snapshot = this.snapshot;
      if (snapshot) {
        this.snapshot = undefined;
        return { kind: 'snapshot', snapshot };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private release(): void {
    const room = this.room;
    this.room = undefined;
    room?.();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
