/**
 * State-of-the-world ADS, one stream's protocol state: per type the
 * subscription, the last response (nonce, version, content) and the ACK/NACK
 * bookkeeping. Fed requests and snapshots, it returns DiscoveryResponses.
 *
 * Protocol (https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol):
 * - A type is served once the client asks for it; its first request is always
 *   answered (an empty wildcard answer lets Envoy finish initialising).
 * - Every response carries all subscribed resources of its type that exist
 *   (SotW); `version_info` is the snapshot's version of that type; each
 *   response has a fresh nonce.
 * - A request whose `response_nonce` is not the type's last nonce is stale
 *   and ignored ("ACK and NACK semantics summary"); the client will send the
 *   current subscription again with the newest nonce.
 * - ACK: last nonce, no `error_detail`; its `version_info` is recorded.
 *   NACK: last nonce with `error_detail`; the rejected version and the error
 *   are recorded, and that content is not sent again: a response goes out
 *   only when what the client would receive differs from the last response.
 *   Each response is ACKed or NACKed once; a later request with the same
 *   nonce (Envoy asking for more names) only changes the subscription.
 * - A snapshot triggers a response for a type only when the content for this
 *   subscription changed: for a wildcard that is the type's version; for
 *   named resources, their versions (a change to an endpoint set nobody here
 *   asked for sends nothing). A subscription change is answered the same way.
 *   A named resource the snapshot lacks is left out, and sent when it appears.
 * - The endpoints are sent again after every CDS response that carries a new
 *   or changed cluster, even unchanged: Envoy warms such a cluster until it
 *   has them (cluster-warming.ts).
 */
import { create } from '@bufbuild/protobuf';
import {
  DiscoveryResponseSchema,
  type DiscoveryRequest,
  type DiscoveryResponse,
} from '../envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { TypeUrl } from '../resource-types.js';
import type { EncodedResource, Snapshot } from '../snapshot.js';
import { WarmingClusters } from './cluster-warming.js';
import { classifyTypeUrl, pushOrder, wildcardTypes } from './request-type.js';
import { Subscription } from './subscription.js';
import { errorText, nonceSequence, silentLog, type StreamLog, type XdsStream, type XdsStreamOptions } from './xds-stream.js';

interface TypeState {
  readonly subscription: Subscription;
  /** Nonce of the last response of this type; requests with another are stale. */
  nonce?: string;
  /** Whether the last response was ACKed or NACKed already. */
  answered?: boolean;
  /** The last response: its version_info and a key of its content. */
  sent?: { readonly version: string; readonly key: string };
  /** Snapshot version last looked at, so an unchanged type costs nothing. */
  evaluatedVersion?: string;
}

export class SotwStream implements XdsStream<DiscoveryRequest, DiscoveryResponse> {
  private snapshot: Snapshot | undefined;
  private readonly types = new Map<TypeUrl, TypeState>();
  private readonly unknownAnswered = new Set<string>();
  private readonly warming = new WarmingClusters();
  /** Per cluster name, the version last sent: tells the clusters a CDS response changes. */
  private clustersSent = new Map<string, string>();
  private readonly nextNonce = nonceSequence();
  private readonly log: StreamLog;
  private readonly now: () => Date;

  constructor(private readonly options: XdsStreamOptions) {
    this.log = options.log ?? silentLog;
    this.now = options.now ?? (() => new Date());
  }

  onRequest(request: DiscoveryRequest): DiscoveryResponse[] {
    const type = classifyTypeUrl(request.typeUrl);
    if (type.kind === 'malformed') {
      this.log.warn({ typeUrl: request.typeUrl.slice(0, 200) }, 'ignoring a SotW request with a malformed type_url');
      return [];
    }
    if (type.kind === 'unknown') return this.answerUnknown(type.typeUrl);

    const typeUrl = type.typeUrl;
    let state = this.types.get(typeUrl);
    if (!state) this.types.set(typeUrl, (state = { subscription: new Subscription(wildcardTypes.has(typeUrl)) }));

    if (state.nonce !== undefined) {
      if (request.responseNonce !== state.nonce) {
        this.log.debug({ typeUrl, nonce: request.responseNonce, current: state.nonce }, 'ignoring a request with a stale nonce');
        return [];
      }
      if (!state.answered) this.acknowledge(typeUrl, state, request);
    }
    state.subscription.replace(request.resourceNames);
    const response = this.respond(typeUrl, state);
    const responses = response ? [response] : [];
    // Clusters sent in answer to a CDS request warm too: their endpoints follow.
    const endpoints = this.types.get(TypeUrl.ClusterLoadAssignment);
    if (typeUrl === TypeUrl.Cluster && this.warming.pending && endpoints) {
      const warmed = this.respond(TypeUrl.ClusterLoadAssignment, endpoints);
      if (warmed) responses.push(warmed);
    }
    return responses;
  }

  onSnapshot(snapshot: Snapshot): DiscoveryResponse[] {
    this.snapshot = snapshot;
    const responses: DiscoveryResponse[] = [];
    for (const typeUrl of pushOrder) {
      const state = this.types.get(typeUrl);
      const warmingEndpoints = typeUrl === TypeUrl.ClusterLoadAssignment && this.warming.pending;
      if (!state || (state.sent && state.evaluatedVersion === snapshot.versions.get(typeUrl) && !warmingEndpoints)) continue;
      const response = this.respond(typeUrl, state);
      if (response) responses.push(response);
    }
    return responses;
  }

  /** Records the ACK or NACK of the last response; later requests with its nonce only change subscriptions. */
  private acknowledge(typeUrl: TypeUrl, state: TypeState, request: DiscoveryRequest): void {
    state.answered = true;
    const at = this.now();
    if (request.errorDetail) {
      const error = errorText(request.errorDetail);
      this.log.warn({ typeUrl, version: state.sent?.version, error }, 'proxy rejected a response (NACK)');
      this.options.reporter.nacked(typeUrl, state.sent?.version ?? '', error, at);
    } else {
      this.options.reporter.acked(typeUrl, request.versionInfo, at);
    }
  }

  /** The response this type needs now, or none when the client already has this content. */
  private respond(typeUrl: TypeUrl, state: TypeState): DiscoveryResponse | undefined {
    const snapshot = this.snapshot;
    if (!snapshot) return undefined;
    const version = snapshot.versions.get(typeUrl) ?? '';
    state.evaluatedVersion = version;
    const ofType = snapshot.resources.get(typeUrl) ?? new Map<string, EncodedResource>();
    const { resources, key } = this.select(state.subscription, ofType, version);
    const warming = typeUrl === TypeUrl.ClusterLoadAssignment && resources.some((resource) => this.warming.has(resource.name));
    if (typeUrl === TypeUrl.ClusterLoadAssignment) this.warming.served();
    if (state.sent?.key === key && !warming) return undefined;
    if (typeUrl === TypeUrl.Cluster) this.noteClustersSent(resources);

    const nonce = this.nextNonce();
    state.nonce = nonce;
    state.answered = false;
    state.sent = { version, key };
    this.options.reporter.sent(typeUrl, version, nonce, this.now());
    return create(DiscoveryResponseSchema, {
      versionInfo: version,
      typeUrl,
      nonce,
      resources: resources.map((resource) => resource.any),
      ...(this.options.controlPlaneId ? { controlPlane: { identifier: this.options.controlPlaneId } } : {}),
    });
  }

  /** Marks the clusters of a CDS response that are new or changed since the last one as warming. */
  private noteClustersSent(resources: readonly EncodedResource[]): void {
    const previous = this.clustersSent;
    this.clustersSent = new Map(resources.map((resource) => [resource.name, resource.version]));
    this.warming.sent(resources.filter((resource) => previous.get(resource.name) !== resource.version).map((resource) => resource.name));
  }

  /** The subscribed resources that exist, and a key that changes exactly when they do. */
  private select(
    subscription: Subscription,
    ofType: ReadonlyMap<string, EncodedResource>,
    version: string,
  ): { resources: EncodedResource[]; key: string } {
    if (subscription.wildcard) return { resources: [...ofType.values()], key: `*\u0000${version}` };
    const resources: EncodedResource[] = [];
    const parts: string[] = [];
    for (const name of subscription.sortedNames) {
      const resource = ofType.get(name);
      if (!resource) continue;
      resources.push(resource);
      parts.push(`${name}\u0000${resource.version}`);
    }
    return { resources, key: parts.join('\u0001') };
  }

  private answerUnknown(typeUrl: string): DiscoveryResponse[] {
    if (this.unknownAnswered.has(typeUrl)) return [];
    this.unknownAnswered.add(typeUrl);
    this.log.debug({ typeUrl }, 'answering a request for a type this control plane does not serve with no resources');
    return [create(DiscoveryResponseSchema, { typeUrl, versionInfo: '', nonce: this.nextNonce() })];
  }
}
