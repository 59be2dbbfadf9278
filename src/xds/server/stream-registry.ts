/**
 * Everything the DP server knows about the ADS streams it serves, in one
 * place: every stream (to end them all on shutdown), the streams of each
 * connection and of each dataplane (to hold them to their limits), and the
 * counts of all three, which go back to zero when the streams are gone.
 */
import { ConnectionStreams } from './connection-streams.js';
import { DataplaneStreams } from './dataplane-streams.js';
import { OpenStreams } from './open-streams.js';
import { resolveStreamLimits, type StreamLimits } from './stream-limits.js';

export interface StreamCounts {
  /** Streams being served, whatever their state. */
  readonly streams: number;
  /** Streams that have not sent their first DiscoveryRequest yet. */
  readonly pending: number;
  /** Connections with at least one stream. */
  readonly connections: number;
  /** Dataplanes with at least one identified stream, and those streams. */
  readonly dataplanes: number;
  readonly dataplaneStreams: number;
}

export interface StreamRegistryLog {
  /** A connection met a limit (once per connection). */
  readonly refused?: (message: string) => void;
  /** A dataplane's oldest stream was ended to make room for a new one. */
  readonly replaced?: (nodeId: string, message: string) => void;
}

export class StreamRegistry {
  readonly limits: StreamLimits;
  /** Every stream from the moment it is admitted: a shutdown ends them all. */
  readonly open = new OpenStreams();
  readonly connections: ConnectionStreams;
  readonly dataplanes: DataplaneStreams;

  constructor(limits: Partial<StreamLimits> = {}, log: StreamRegistryLog = {}) {
    this.limits = resolveStreamLimits(limits);
    this.connections = new ConnectionStreams(this.limits, log.refused);
    this.dataplanes = new DataplaneStreams(this.limits.maxStreamsPerDataplane, log.replaced);
  }

  counts(): StreamCounts {
    const connections = this.connections.counts;
    const dataplanes = this.dataplanes.counts;
    return {
      streams: this.open.size,
      pending: connections.pending,
      connections: connections.connections,
      dataplanes: dataplanes.dataplanes,
      dataplaneStreams: dataplanes.streams,
    };
  }
}
