/**
 * The ADS streams being served, so that a shutdown can end each one with a
 * status its client acts on (UNAVAILABLE: reconnect, possibly elsewhere).
 *
 * Why not one AbortSignal given to the gRPC adapter: every request would hang
 * a listener on that shared signal, which costs O(streams) per new stream and
 * warns past eleven listeners; a set of enders costs O(1) per stream.
 */
export class OpenStreams {
  private readonly enders = new Set<(reason: Error) => void>();

  /** Registers a stream's end function; returns the function that unregisters it. */
  add(end: (reason: Error) => void): () => void {
    this.enders.add(end);
    return () => this.enders.delete(end);
  }

  /** Ends every open stream with `reason`. */
  endAll(reason: Error): void {
    for (const end of [...this.enders]) end(reason);
  }

  get size(): number {
    return this.enders.size;
  }
}
