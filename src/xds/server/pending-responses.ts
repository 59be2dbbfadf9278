/**
 * The responses of one resource type that still await the client's ACK or
 * NACK: nonce → the snapshot version sent under it. Each is answered once
 * (`take` forgets the nonce), and at most `limit` are kept, the oldest
 * forgotten first: a client that never answers costs a bounded amount.
 *
 * The newest response is kept apart from older ones: a client usually
 * answers each response before the next, and SotW keeps only one (limit 1),
 * so most types never allocate the map. There is one of these per type of
 * every stream.
 */
export class PendingResponses {
  private newestNonce: string | undefined = undefined;
  private newestVersion = '';
  /** Unanswered responses older than the newest, oldest first. */
  private older: Map<string, string> | undefined = undefined;

  constructor(private readonly limit: number) {}

  add(nonce: string, version: string): void {
    if (this.newestNonce !== undefined && this.limit > 1) {
      const older = (this.older ??= new Map());
      older.set(this.newestNonce, this.newestVersion);
      if (older.size >= this.limit) older.delete(older.keys().next().value!);
    }
    this.newestNonce = nonce;
    this.newestVersion = version;
  }

  /** The version sent under `nonce` if that response is still unanswered; it is answered from now on. */
  take(nonce: string): string | undefined {
    if (nonce === this.newestNonce) {
      this.newestNonce = undefined;
      return this.newestVersion;
    }
    const version = this.older?.get(nonce);
    if (version !== undefined) this.older!.delete(nonce);
    return version;
  }
}
