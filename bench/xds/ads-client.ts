/**
 * One simulated proxyless-gRPC xDS client, SotW or delta, as grpc-js-xds
 * drives ADS: LDS and CDS as wildcards, RDS by the route names its listeners
 * name, EDS by the names of its EDS clusters. Every response is ACKed at
 * once; `onAck` hears the time the ACK was queued, which is what the bench
 * calls "received and acked". Inner resources are decoded only where a real
 * client needs them to subscribe further (Listener → HCM → RDS, Cluster → EDS).
 *
 *   responses ─► record (onAck) ─► ACK ─► derive RDS/EDS names ─► subscribe
 */
import { create, fromBinary, type MessageInitShape } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import type { Client } from '@connectrpc/connect';
import { Cluster_DiscoveryType, ClusterSchema } from '../../src/xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { ListenerSchema } from '../../src/xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { HttpConnectionManagerSchema } from '../../src/xds/envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import type { AggregatedDiscoveryService } from '../../src/xds/envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import {
  DeltaDiscoveryRequestSchema,
  DiscoveryRequestSchema,
  type DeltaDiscoveryResponse,
  type DiscoveryResponse,
} from '../../src/xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { nowMs } from './clock.js';
import { requestQueue } from './request-queue.js';

export type XdsProtocol = 'sotw' | 'delta';

/** The four types a proxyless client uses, in an index order the recorders share. */
export const clientTypes = [
  TypeUrl.Listener,
  TypeUrl.RouteConfiguration,
  TypeUrl.Cluster,
  TypeUrl.ClusterLoadAssignment,
] as const;
export const typeIndex = (typeUrl: string): number => (clientTypes as readonly string[]).indexOf(typeUrl);

export interface AckEvent {
  readonly typeUrl: string;
  readonly version: string;
  /** Monotonic ms (clock.ts) when the ACK was queued. */
  readonly at: number;
  /** The response as received, for samples the floor server replays. */
  readonly response: DiscoveryResponse | DeltaDiscoveryResponse;
}

export interface AdsClientOptions {
  readonly client: Client<typeof AggregatedDiscoveryService>;
  readonly protocol: XdsProtocol;
  readonly nodeId: string;
  readonly onAck: (event: AckEvent) => void;
  readonly onEnd: (error: unknown) => void;
}

interface TypeState {
  /** Requested and not yet answered (initial request or a subscription change). */
  pending: boolean;
  answered: boolean;
  /** SotW: last nonce and version, echoed on subscription changes. */
  nonce: string;
  version: string;
  /** Named subscription (RDS, EDS). */
  names: Set<string>;
}

const node = (nodeId: string) => ({ id: nodeId, metadata: { 'koguma.io/proxy-flavour': 'grpc' } });

/** Route names the listeners' API-listener HCMs name (grpc-js-xds subscribes to these). */
function routeNamesOf(anys: Iterable<Any | undefined>): string[] {
  const names: string[] = [];
  for (const any of anys) {
    if (!any) continue;
    const listener = fromBinary(ListenerSchema, any.value);
    const inner = listener.apiListener?.apiListener;
    if (!inner) continue;
    const hcm = fromBinary(HttpConnectionManagerSchema, inner.value);
    if (hcm.routeSpecifier.case === 'rds') names.push(hcm.routeSpecifier.value.routeConfigName);
  }
  return names;
}

/** EDS names of the EDS clusters (service_name, else the cluster's name). */
function edsNamesOf(anys: Iterable<Any | undefined>): string[] {
  const names: string[] = [];
  for (const any of anys) {
    if (!any) continue;
    const cluster = fromBinary(ClusterSchema, any.value);
    const discovery = cluster.clusterDiscoveryType;
    if (discovery.case === 'type' && discovery.value === Cluster_DiscoveryType.EDS)
      names.push(cluster.edsClusterConfig?.serviceName || cluster.name);
  }
  return names;
}

/** Reconnection as a proxy does it: exponential backoff with jitter, bounded in count. */
const backoffMs = (attempt: number): number => Math.min(2_000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2);
const maxAttempts = 12;

export class AdsClient {
  private abort = new AbortController();
  private types = new Map<string, TypeState>();
  /** Delta: per wildcard type, resource name → the dependent names it contributes. */
  private held = new Map<string, Map<string, string[]>>();
  private sentNode = false;
  private stopped = false;
  private ended = false;
  private failures = 0;
  /** Streams that failed and were opened again. */
  reconnects = 0;

  constructor(private readonly options: AdsClientOptions) {}

  /** Every requested type answered: the client holds a complete configuration. */
  get ready(): boolean {
    if (this.ended || this.types.size === 0) return false;
    for (const state of this.types.values()) if (state.pending) return false;
    return this.types.get(TypeUrl.Listener)!.answered && this.types.get(TypeUrl.Cluster)!.answered;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Opens the stream; a stream that fails is opened again (fresh state, as after a reconnect) with backoff. */
  start(): void {
    this.abort = new AbortController();
    this.types = new Map(
      clientTypes.map((t) => [
        t,
        { pending: false, answered: false, nonce: '', version: '', names: new Set<string>() },
      ]),
    );
    this.held = new Map([
      [TypeUrl.Listener, new Map()],
      [TypeUrl.Cluster, new Map()],
    ]);
    this.sentNode = false;
    if (this.options.protocol === 'sotw') this.runSotw();
    else this.runDelta();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  private finish(error: unknown): void {
    if (this.stopped || this.ended) return;
    if (this.failures++ < maxAttempts) {
      this.reconnects++;
      for (const state of this.types.values()) state.pending = true;
      setTimeout(() => this.stopped || this.start(), backoffMs(this.failures));
      return;
    }
    this.ended = true;
    this.options.onEnd(error);
  }

  /** A response arrived: the stream works, so the next failure starts the backoff over. */
  private healthy(): void {
    this.failures = 0;
  }

  private withNode<T extends object>(request: T): T {
    if (this.sentNode) return request;
    this.sentNode = true;
    return { ...request, node: node(this.options.nodeId) };
  }

  // --- state of the world -------------------------------------------------

  private runSotw(): void {
    const queue = requestQueue<MessageInitShape<typeof DiscoveryRequestSchema>>();
    const send = (init: MessageInitShape<typeof DiscoveryRequestSchema>): void => queue.push(this.withNode(init));
    const requests = (async function* () {
      for await (const init of queue.iterable) yield create(DiscoveryRequestSchema, init);
    })();
    for (const typeUrl of [TypeUrl.Listener, TypeUrl.Cluster]) {
      this.types.get(typeUrl)!.pending = true;
      send({ typeUrl });
    }
    const subscribe = (typeUrl: string, names: string[]): void => {
      const state = this.types.get(typeUrl)!;
      const next = new Set(names);
      if (state.answered || state.pending) {
        if (next.size === state.names.size && [...next].every((n) => state.names.has(n))) return;
      } else if (next.size === 0) return;
      state.names = next;
      state.pending = true;
      send({ typeUrl, versionInfo: state.version, responseNonce: state.nonce, resourceNames: [...next].sort() });
    };
    void (async () => {
      try {
        for await (const response of this.options.client.streamAggregatedResources(requests, {
          signal: this.abort.signal,
        })) {
          const state = this.types.get(response.typeUrl);
          if (!state) continue;
          this.healthy();
          state.nonce = response.nonce;
          state.version = response.versionInfo;
          state.pending = false;
          state.answered = true;
          send({
            typeUrl: response.typeUrl,
            versionInfo: response.versionInfo,
            responseNonce: response.nonce,
            resourceNames: [...state.names].sort(),
          });
          this.options.onAck({ typeUrl: response.typeUrl, version: response.versionInfo, at: nowMs(), response });
          if (response.typeUrl === TypeUrl.Listener)
            subscribe(TypeUrl.RouteConfiguration, routeNamesOf(response.resources));
          else if (response.typeUrl === TypeUrl.Cluster)
            subscribe(TypeUrl.ClusterLoadAssignment, edsNamesOf(response.resources));
        }
        this.finish(new Error('the server ended the stream'));
      } catch (error) {
        this.finish(error);
      } finally {
        queue.end();
      }
    })();
  }

  // --- incremental ----------------------------------------------------------

  private runDelta(): void {
    const queue = requestQueue<MessageInitShape<typeof DeltaDiscoveryRequestSchema>>();
    const send = (init: MessageInitShape<typeof DeltaDiscoveryRequestSchema>): void => queue.push(this.withNode(init));
    const requests = (async function* () {
      for await (const init of queue.iterable) yield create(DeltaDiscoveryRequestSchema, init);
    })();
    for (const typeUrl of [TypeUrl.Listener, TypeUrl.Cluster]) {
      this.types.get(typeUrl)!.pending = true;
      send({ typeUrl });
    }
    const resubscribe = (typeUrl: string, held: Map<string, string[]>): void => {
      const state = this.types.get(typeUrl)!;
      const next = new Set([...held.values()].flat());
      const subscribe = [...next].filter((n) => !state.names.has(n));
      const unsubscribe = [...state.names].filter((n) => !next.has(n));
      if (subscribe.length === 0 && unsubscribe.length === 0) return;
      state.names = next;
      state.pending = true;
      send({ typeUrl, resourceNamesSubscribe: subscribe, resourceNamesUnsubscribe: unsubscribe });
    };
    void (async () => {
      try {
        for await (const response of this.options.client.deltaAggregatedResources(requests, {
          signal: this.abort.signal,
        })) {
          const state = this.types.get(response.typeUrl);
          if (!state) continue;
          this.healthy();
          state.pending = false;
          state.answered = true;
          send({ typeUrl: response.typeUrl, responseNonce: response.nonce });
          this.options.onAck({ typeUrl: response.typeUrl, version: response.systemVersionInfo, at: nowMs(), response });
          const held = this.held.get(response.typeUrl);
          if (!held) continue;
          const derive = response.typeUrl === TypeUrl.Listener ? routeNamesOf : edsNamesOf;
          for (const resource of response.resources) held.set(resource.name, derive([resource.resource]));
          for (const name of response.removedResources) held.delete(name);
          resubscribe(
            response.typeUrl === TypeUrl.Listener ? TypeUrl.RouteConfiguration : TypeUrl.ClusterLoadAssignment,
            held,
          );
        }
        this.finish(new Error('the server ended the stream'));
      } catch (error) {
        this.finish(error);
      } finally {
        queue.end();
      }
    })();
  }
}
