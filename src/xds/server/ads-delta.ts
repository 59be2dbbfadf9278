/**
 * Incremental (delta) ADS, one stream's protocol state: per type the
 * subscription and, per resource, the version the client has. Fed requests
 * and snapshots, it returns DeltaDiscoveryResponses carrying only what changed.
 *
 * Protocol (https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#incremental-xds):
 * - Subscriptions change by `resource_names_subscribe` / `_unsubscribe`; the
 *   first request of a type that subscribes to nothing is a wildcard (legacy),
 *   `*` subscribes to it explicitly (Listener and Cluster only, subscription.ts).
 * - `initial_resource_versions` (first request of a type, on reconnect) says
 *   what the client already has: those are not sent again when unchanged, and
 *   those that no longer exist are named in `removed_resources`.
 * - A resource's version is its EncodedResource.version (a content hash); a
 *   resource is sent when the client's version differs, and named in
 *   `removed_resources` when it leaves the snapshot or when a newly
 *   subscribed name does not exist ("Knowing when a requested resource does
 *   not exist").
 * - Each response has a fresh nonce; a request's `response_nonce` ACKs (no
 *   `error_detail`) or NACKs that response. What was sent counts as what the
 *   client has, NACKed or not, so a rejected version is never sent again and
 *   the next change is. Subscription changes apply whatever the nonce: delta
 *   requests carry changes, not the whole list, so none may be dropped.
 * - The first request of each type is answered, even with nothing, so a
 *   client waiting to initialise that type goes on.
 * - The endpoints of every cluster a CDS response carries are sent next,
 *   even unchanged: Envoy warms such a cluster until it has them
 *   (cluster-warming.ts).
 */
import { create } from '@bufbuild/protobuf';
import {
  DeltaDiscoveryResponseSchema,
  ResourceSchema,
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
  type Resource,
} from '../envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { TypeUrl } from '../resource-types.js';
import type { EncodedResource, Snapshot } from '../snapshot.js';
import { WarmingClusters } from './cluster-warming.js';
import { classifyTypeUrl, pushOrder, wildcardTypes } from './request-type.js';
import { Subscription } from './subscription.js';
import { errorText, nonceSequence, silentLog, type StreamLog, type XdsStream, type XdsStreamOptions } from './xds-stream.js';

/** Responses awaiting an ACK or NACK, per type; older ones are forgotten past this. */
const maxUnanswered = 32;

interface TypeState {
  readonly subscription: Subscription;
  /** Per resource name, the version the client has (or was sent). */
  readonly known: Map<string, string>;
  /** Newly subscribed names to declare absent in the next response if still missing. */
  readonly announceAbsent: Set<string>;
  /** Nonce → snapshot version of responses not yet ACKed or NACKed. */
  readonly unanswered: Map<string, string>;
  answered: boolean;
  evaluatedVersion?: string;
}

export class DeltaStream implements XdsStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse> {
  private snapshot: Snapshot | undefined;
  private readonly types = new Map<TypeUrl, TypeState>();
  private readonly unknownAnswered = new Set<string>();
  private readonly warming = new WarmingClusters();
  private readonly nextNonce = nonceSequence();
  private readonly log: StreamLog;
  private readonly now: () => Date;

  constructor(private readonly options: XdsStreamOptions) {
    this.log = options.log ?? silentLog;
    this.now = options.now ?? (() => new Date());
  }

  onRequest(request: DeltaDiscoveryRequest): DeltaDiscoveryResponse[] {
    const type = classifyTypeUrl(request.typeUrl);
    if (type.kind === 'malformed') {
      this.log.warn({ typeUrl: request.typeUrl.slice(0, 200) }, 'ignoring a delta request with a malformed type_url');
      return [];
    }
    if (type.kind === 'unknown') return this.answerUnknown(type.typeUrl);

    const typeUrl = type.typeUrl;
    let state = this.types.get(typeUrl);
    const first = state === undefined;
    if (!state) {
      state = {
        subscription: new Subscription(wildcardTypes.has(typeUrl)),
        known: new Map(),
        announceAbsent: new Set(),
        unanswered: new Map(),
        answered: false,
      };
      this.types.set(typeUrl, state);
    }
    if (request.responseNonce !== '') this.acknowledge(typeUrl, state, request);
    if (first) {
      for (const [name, version] of Object.entries(request.initialResourceVersions)) state.known.set(name, version);
    }
    const { added, removed } = state.subscription.change(request.resourceNamesSubscribe, request.resourceNamesUnsubscribe, first);
    for (const name of removed) if (!state.subscription.covers(name)) state.known.delete(name);
    for (const name of added) if (!state.known.has(name)) state.announceAbsent.add(name);
    for (const name of state.known.keys()) if (!state.subscription.covers(name)) state.known.delete(name);

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

  onSnapshot(snapshot: Snapshot): DeltaDiscoveryResponse[] {
    this.snapshot = snapshot;
    const responses: DeltaDiscoveryResponse[] = [];
    for (const typeUrl of pushOrder) {
      const state = this.types.get(typeUrl);
      const warmingEndpoints = typeUrl === TypeUrl.ClusterLoadAssignment && this.warming.pending;
      if (!state || (state.answered && state.evaluatedVersion === snapshot.versions.get(typeUrl) && !warmingEndpoints)) continue;
      const response = this.respond(typeUrl, state);
      if (response) responses.push(response);
    }
    return responses;
  }

  private acknowledge(typeUrl: TypeUrl, state: TypeState, request: DeltaDiscoveryRequest): void {
    const version = state.unanswered.get(request.responseNonce);
    if (version === undefined) {
      this.log.debug({ typeUrl, nonce: request.responseNonce }, 'a request names an unknown or old nonce; no ACK/NACK recorded');
      return;
    }
    state.unanswered.delete(request.responseNonce);
    const at = this.now();
    if (request.errorDetail) {
      const error = errorText(request.errorDetail);
      this.log.warn({ typeUrl, version, error }, 'proxy rejected a response (NACK)');
      this.options.reporter.nacked(typeUrl, version, error, at);
    } else {
      this.options.reporter.acked(typeUrl, version, at);
    }
  }

  /** The changes this type needs now, or none when the client is up to date. */
  private respond(typeUrl: TypeUrl, state: TypeState): DeltaDiscoveryResponse | undefined {
    const snapshot = this.snapshot;
    if (!snapshot) return undefined;
    const version = snapshot.versions.get(typeUrl) ?? '';
    state.evaluatedVersion = version;
    const ofType = snapshot.resources.get(typeUrl) ?? new Map<string, EncodedResource>();

    const resources: Resource[] = [];
    const resend = typeUrl === TypeUrl.ClusterLoadAssignment ? this.warming : undefined;
    const sentNow = new Set<string>();
    const send = (resource: EncodedResource): void => {
      if (sentNow.has(resource.name)) return;
      if (state.known.get(resource.name) === resource.version && resend?.has(resource.name) !== true) return;
      sentNow.add(resource.name);
      state.known.set(resource.name, resource.version);
      resources.push(create(ResourceSchema, { name: resource.name, version: resource.version, resource: resource.any }));
    };
    if (state.subscription.wildcard) for (const resource of ofType.values()) send(resource);
    for (const name of state.subscription.names) {
      const resource = ofType.get(name);
      if (resource) send(resource);
    }
    resend?.served();
    if (typeUrl === TypeUrl.Cluster) this.warming.sent(resources.map((resource) => resource.name));
    const removed = new Set<string>();
    for (const name of state.known.keys()) {
      if (ofType.has(name)) continue;
      removed.add(name);
      state.known.delete(name);
    }
    for (const name of state.announceAbsent) if (!ofType.has(name)) removed.add(name);
    state.announceAbsent.clear();

    if (resources.length === 0 && removed.size === 0 && state.answered) return undefined;
    state.answered = true;
    const nonce = this.nextNonce();
    state.unanswered.set(nonce, version);
    if (state.unanswered.size > maxUnanswered) state.unanswered.delete(state.unanswered.keys().next().value!);
    this.options.reporter.sent(typeUrl, version, nonce, this.now());
    return create(DeltaDiscoveryResponseSchema, {
      systemVersionInfo: version,
      typeUrl,
      nonce,
      resources,
      removedResources: [...removed],
      ...(this.options.controlPlaneId ? { controlPlane: { identifier: this.options.controlPlaneId } } : {}),
    });
  }

  private answerUnknown(typeUrl: string): DeltaDiscoveryResponse[] {
    if (this.unknownAnswered.has(typeUrl)) return [];
    this.unknownAnswered.add(typeUrl);
    this.log.debug({ typeUrl }, 'answering a request for a type this control plane does not serve with no resources');
    return [create(DeltaDiscoveryResponseSchema, { typeUrl, nonce: this.nextNonce() })];
  }
}
