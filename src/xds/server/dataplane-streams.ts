/**
 * The identified ADS streams of each dataplane (node id), oldest first, over
 * every connection. Past `maxStreamsPerDataplane` the oldest stream is ended
 * with RESOURCE_EXHAUSTED and the new one is served: stream-limits.ts says why
 * the oldest and not the newest.
 *
 *   add(nodeId, end) ─► streams of nodeId, in order of arrival
 *                         └─ more than the limit? ─► end(oldest, RESOURCE_EXHAUSTED)
 *   the returned function ─► removes the stream (it ended on its own)
 */
import { limitReached } from './stream-refusals.js';

export type EndStream = (reason: Error) => void;

export class DataplaneStreams {
  /** A Set keeps insertion order: its first entry is the oldest stream. */
  private readonly byNode = new Map<string, Set<EndStream>>();

  /** `onReplaced`: an old stream of `nodeId` was ended to make room, for the log. */
  constructor(
    private readonly maxStreamsPerDataplane: number,
    private readonly onReplaced: (nodeId: string, message: string) => void = () => undefined,
  ) {}

  /** Registers a stream of `nodeId`, ending the oldest ones past the limit; returns the function that unregisters it. */
  add(nodeId: string, end: EndStream): () => void {
    let streams = this.byNode.get(nodeId);
    if (!streams) this.byNode.set(nodeId, (streams = new Set()));
    const entry: EndStream = (reason) => end(reason);
    streams.add(entry);
    while (streams.size > this.maxStreamsPerDataplane) {
      const oldest = streams.values().next().value as EndStream;
      streams.delete(oldest);
      const error = limitReached(
        'maxStreamsPerDataplane',
        `dataplane ${JSON.stringify(nodeId)} opened more than ${this.maxStreamsPerDataplane} concurrent ADS streams; its oldest stream, this one, was ended to serve the newest`,
      );
      this.onReplaced(nodeId, error.rawMessage);
      oldest(error);
    }
    const registered = streams;
    return () => {
      registered.delete(entry);
      if (registered.size === 0 && this.byNode.get(nodeId) === registered) this.byNode.delete(nodeId);
    };
  }

  /** Dataplanes with at least one stream, and their streams. */
  get counts(): { readonly dataplanes: number; readonly streams: number } {
    let streams = 0;
    for (const set of this.byNode.values()) streams += set.size;
    return { dataplanes: this.byNode.size, streams };
  }
}
