/**
 * The responses of one resource type that still await the client's ACK or
 * NACK: nonce → the snapshot version sent under it. Each is answered once
 * (`take` forgets the nonce), and at most `limit` are kept, the oldest
 * forgotten first: a client that never answers costs a bounded amount.
 */
export class PendingResponses {
  private readonly versions = new Map<string, string>();

  constructor(private readonly limit: number) {}

  add(nonce: string, version: string): void {
    this.versions.set(nonce, version);
    if (this.versions.size > this.limit) this.versions.delete(this.versions.keys().next().value!);
  }

  /** The version sent under `nonce` if that response is still unanswered; it is answered from now on. */
  take(nonce: string): string | undefined {
    const version = this.versions.get(nonce);
    this.versions.delete(nonce);
    return version;
  }
}
