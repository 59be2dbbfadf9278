/**
 * Per-proxy xDS status: which stream serves a node, and per resource type what
 * was sent, acknowledged and rejected. Streams report into a ProxyStatusSink;
 * the in-memory ProxyStatusRegistry keeps the answers `_overview` and the
 * dataplane insights read (Kuma's DataplaneInsight.subscriptions).
 *
 *   SotW / delta stream ──connected()──► StreamStatusReporter ──sent / acked / nacked / disconnected──► registry
 *
 * A node can have two streams for a moment (a reconnect opens the new one
 * before the old one's end is noticed); the newest stream owns the status and
 * reports from an older one are dropped. The certificate stream `koguma dp
 * run --proxyless` keeps beside an application's own is not the proxy's
 * status and is not recorded. A NACK is kept until a newer NACK of
 * the same type replaces it, also across reconnects, so the error stays visible.
 */
import type { NodeVersion, ProxyFlavour, TypeUrl } from '../index.js';

export type XdsProtocol = 'sotw' | 'delta';

export interface StreamInfo {
  /** Unique within this control-plane instance. */
  readonly streamId: string;
  /** `<mesh>.<name>`. */
  readonly nodeId: string;
  readonly protocol: XdsProtocol;
  readonly since: Date;
  /** The agent's certificate-only stream (node-metadata.ts): it does not own the node's status. */
  readonly certificatesOnly?: boolean;
  /**
   * The proxy said in its first request that it already holds configuration
   * (SotW `version_info`, delta `initial_resource_versions`): a proxy that
   * was serving and reconnects, not one that has just started.
   */
  readonly resumed: boolean;
  /** The software the node reports in its metadata (node-version.ts), already bounded. */
  readonly version?: NodeVersion;
  /** The features the node declares in its metadata, already bounded. */
  readonly features?: readonly string[];
  /** Which proxy the node is (`koguma.io/proxy-flavour`): an Envoy, or a proxyless gRPC application. */
  readonly flavour?: ProxyFlavour;
}

/** What one stream reports, per resource type. */
export interface StreamStatusReporter {
  sent(typeUrl: TypeUrl, version: string, nonce: string, at: Date): void;
  acked(typeUrl: TypeUrl, version: string, at: Date): void;
  nacked(typeUrl: TypeUrl, version: string, error: string, at: Date): void;
  disconnected(at: Date): void;
}

export interface ProxyStatusSink {
  connected(stream: StreamInfo): StreamStatusReporter;
}

export interface TypeStatus {
  readonly sent?: { readonly version: string; readonly nonce: string; readonly at: Date };
  readonly acked?: { readonly version: string; readonly at: Date };
  readonly lastNack?: { readonly version: string; readonly error: string; readonly at: Date };
  /** Counters over the current stream, as Kuma's responsesSent / Acknowledged / Rejected. */
  readonly responsesSent: number;
  readonly responsesAcked: number;
  readonly responsesRejected: number;
}

export interface ProxyStatus {
  readonly nodeId: string;
  readonly connected: boolean;
  readonly protocol: XdsProtocol;
  /** When the current (or last) stream connected. */
  readonly since: Date;
  readonly disconnectedAt?: Date;
  readonly streamId: string;
  /** The control-plane instance holding the stream. */
  readonly instanceId: string;
  readonly types: ReadonlyMap<TypeUrl, TypeStatus>;
  readonly version?: NodeVersion;
  readonly features?: readonly string[];
  readonly flavour?: ProxyFlavour;
}

type MutableTypeStatus = { -readonly [K in keyof TypeStatus]: TypeStatus[K] };

interface NodeRecord {
  stream: StreamInfo;
  disconnectedAt: Date | undefined;
  types: Map<TypeUrl, MutableTypeStatus>;
}

const ignoredStream: StreamStatusReporter = {
  sent: () => undefined,
  acked: () => undefined,
  nacked: () => undefined,
  disconnected: () => undefined,
};

const emptyTypeStatus = (): MutableTypeStatus => ({ responsesSent: 0, responsesAcked: 0, responsesRejected: 0 });

export class ProxyStatusRegistry implements ProxyStatusSink {
  private readonly nodes = new Map<string, NodeRecord>();

  constructor(readonly instanceId: string) {}

  connected(stream: StreamInfo): StreamStatusReporter {
    if (stream.certificatesOnly) return ignoredStream;
    const previous = this.nodes.get(stream.nodeId);
    const types = new Map<TypeUrl, MutableTypeStatus>();
    for (const [typeUrl, status] of previous?.types ?? []) {
      if (status.lastNack) types.set(typeUrl, { ...emptyTypeStatus(), lastNack: status.lastNack });
    }
    const record: NodeRecord = { stream, disconnectedAt: undefined, types };
    this.nodes.set(stream.nodeId, record);
    const current = (): boolean => this.nodes.get(stream.nodeId) === record;
    const typeOf = (typeUrl: TypeUrl): MutableTypeStatus => {
      let status = record.types.get(typeUrl);
      if (!status) record.types.set(typeUrl, (status = emptyTypeStatus()));
      return status;
    };
    return {
      sent: (typeUrl, version, nonce, at) => {
        if (!current()) return;
        const status = typeOf(typeUrl);
        status.sent = { version, nonce, at };
        status.responsesSent++;
      },
      acked: (typeUrl, version, at) => {
        if (!current()) return;
        const status = typeOf(typeUrl);
        status.acked = { version, at };
        status.responsesAcked++;
      },
      nacked: (typeUrl, version, error, at) => {
        if (!current()) return;
        const status = typeOf(typeUrl);
        status.lastNack = { version, error, at };
        status.responsesRejected++;
      },
      disconnected: (at) => {
        if (current()) record.disconnectedAt = at;
      },
    } satisfies StreamStatusReporter;
  }

  get(nodeId: string): ProxyStatus | undefined {
    const record = this.nodes.get(nodeId);
    return record && this.view(record);
  }

  list(): ProxyStatus[] {
    return [...this.nodes.values()].map((record) => this.view(record));
  }

  /** Drops a node (its dataplane was deleted). */
  forget(nodeId: string): void {
    this.nodes.delete(nodeId);
  }

  private view(record: NodeRecord): ProxyStatus {
    return {
      nodeId: record.stream.nodeId,
      connected: record.disconnectedAt === undefined,
      protocol: record.stream.protocol,
      since: record.stream.since,
      ...(record.disconnectedAt ? { disconnectedAt: record.disconnectedAt } : {}),
      streamId: record.stream.streamId,
      instanceId: this.instanceId,
      types: new Map([...record.types].map(([typeUrl, status]) => [typeUrl, { ...status }])),
      ...(record.stream.version === undefined ? {} : { version: record.stream.version }),
      ...(record.stream.features === undefined ? {} : { features: record.stream.features }),
      ...(record.stream.flavour === undefined ? {} : { flavour: record.stream.flavour }),
    };
  }
}
