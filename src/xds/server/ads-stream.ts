/**
 * One ADS stream's protocol state, for both variants: the part SotW and delta
 * share, driven by an AdsVariant that holds only what differs between them
 * (ads-sotw.ts, ads-delta.ts): how a request changes a subscription, what the
 * client lacks of a snapshot, and the wire message.
 *
 *   request ─► type_url ─► its TypeState ─┬─ stale nonce? (SotW only) ─► ignored
 *                                         ├─ ACK / NACK of a pending response ─► reporter
 *                                         ├─ variant.subscribe
 *                                         └─ respond ◄─ snapshot: each type, in push order, whose version moved
 *   respond: variant.update ─► something to send? ─► fresh nonce, pending ACK ─► variant.response
 *
 * Both variants watch the snapshot cache the same way (one watch per stream,
 * snapshot-cache.ts) and keep the same per-type bookkeeping here.
 *
 * Rules both variants keep (https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol):
 * - A malformed type_url is ignored and logged; a well-formed one this
 *   control plane does not serve is answered once with nothing, so a client
 *   waiting to initialise that type goes on (request-type.ts).
 * - A type is served once the client asks for it, and its first request is
 *   always answered, even with nothing.
 * - Every response has a fresh nonce and is ACKed (no `error_detail`) or
 *   NACKed at most once; the NACK is reported with the version it rejected.
 *   The variant decides what is sent again, and never resends rejected content.
 * - A snapshot is looked at per type only when that type's version moved
 *   since the type was last evaluated, in push order (request-type.ts).
 */
import { create } from '@bufbuild/protobuf';
import { ControlPlaneSchema, type ControlPlane } from '../envoy/gen/envoy/config/core/v3/base_pb.js';
import type { TypeUrl, EncodedResource, Snapshot } from '../index.js';
import { PendingResponses } from './pending-responses.js';
import type { XdsProtocol } from './proxy-status.js';
import { classifyTypeUrl, pushOrder, wildcardTypes } from './request-type.js';
import { Subscription } from './subscription.js';
import { silentLog, type StreamLog, type XdsStream, type XdsStreamOptions } from './xds-stream.js';

/** The request fields the shared part reads: DiscoveryRequest and DeltaDiscoveryRequest both have them. */
export interface AdsRequest {
  readonly typeUrl: string;
  readonly responseNonce: string;
  readonly errorDetail?: { readonly code: number; readonly message: string } | undefined;
}

/**
 * What is kept per resource type for either variant; a variant's own state
 * extends it. A class with every field set at construction, so that each
 * variant's states share one shape (one per type of every stream).
 */
export class TypeState {
  /** Nonce of the type's last response; none until the type was first answered. */
  lastNonce: string | undefined = undefined;
  /** Snapshot version of the type last evaluated, so an unchanged type costs nothing. */
  evaluatedVersion: string | undefined = undefined;

  constructor(
    readonly subscription: Subscription,
    /** Responses awaiting an ACK or NACK. */
    readonly pending: PendingResponses,
  ) {}
}

/** The fields the shared part reads or sets: DiscoveryResponse and DeltaDiscoveryResponse both have them. */
export interface AdsResponse {
  controlPlane?: ControlPlane | undefined;
}

/** What makes SotW and delta differ; everything else is AdsStream. */
export interface AdsVariant<
  Request extends AdsRequest,
  Response extends AdsResponse,
  State extends TypeState,
  Content,
> {
  readonly protocol: XdsProtocol;
  /** Names the variant in log lines. */
  readonly name: string;
  /**
   * Whether a request must name the type's latest response. SotW: yes; one
   * naming another nonce is stale and ignored whole, since the client sends
   * its full list again. Delta: no; requests carry changes, none may be
   * dropped, so every request applies and any recent response may be ACKed.
   */
  readonly latestNonceOnly: boolean;
  /** A new type's state. */
  newState(subscription: Subscription, pending: PendingResponses): State;
  /** The version an ACK confirms, given the one sent under its nonce. */
  ackedVersion(request: Request, sent: string): string;
  /** Whether a stream's first request shows configuration the proxy already holds (a reconnect, not a start). */
  resumes(first: Request): boolean;
  /** Applies a request's subscription changes; `first` is the stream's first request of the type. */
  subscribe(request: Request, state: State, first: boolean): void;
  /**
   * What the client needs of the type's resources now, recorded as sent; or
   * undefined when it has it all already, unless `mustAnswer` (the type's
   * first answer is owed).
   */
  update(
    state: State,
    ofType: ReadonlyMap<string, EncodedResource>,
    version: string,
    mustAnswer: boolean,
  ): Content | undefined;
  /** Content with nothing in it: the answer to a type this control plane does not serve. */
  empty(): Content;
  /** The wire message carrying `content`; the shared part adds the control-plane identifier. */
  response(content: Content, typeUrl: string, nonce: string, version: string): Response;
}

/** Responses of a type awaiting an ACK or NACK when any recent one may be answered; older ones are forgotten past this. */
const maxPending = 32;
const noResources: ReadonlyMap<string, EncodedResource> = new Map();

export class AdsStream<
  Request extends AdsRequest,
  Response extends AdsResponse,
  State extends TypeState,
  Content,
> implements XdsStream<Request, Response> {
  private snapshot: Snapshot | undefined;
  private readonly types = new Map<TypeUrl, State>();
  private readonly unknownAnswered = new Set<string>();
  private readonly nextNonce = nonceSequence();
  private readonly log: StreamLog;
  private readonly now: () => Date;
  /** Who configured the proxy: one message for every response of the stream. */
  private readonly controlPlane: ControlPlane | undefined;

  constructor(
    private readonly variant: AdsVariant<Request, Response, State, Content>,
    private readonly options: XdsStreamOptions,
  ) {
    this.log = options.log ?? silentLog;
    this.now = options.now ?? (() => new Date());
    this.controlPlane = options.controlPlaneId
      ? create(ControlPlaneSchema, { identifier: options.controlPlaneId })
      : undefined;
  }

  onRequest(request: Request): Response[] {
    const type = classifyTypeUrl(request.typeUrl);
    if (type.kind === 'malformed') {
      this.log.warn(
        { typeUrl: request.typeUrl.slice(0, 200) },
        `ignoring a ${this.variant.name} request with a malformed type_url`,
      );
      return [];
    }
    if (type.kind === 'unknown') return this.answerUnknown(type.typeUrl);

    const typeUrl = type.typeUrl;
    let state = this.types.get(typeUrl);
    const first = state === undefined;
    if (!state) {
      const pending = new PendingResponses(this.variant.latestNonceOnly ? 1 : maxPending);
      state = this.variant.newState(new Subscription(wildcardTypes.has(typeUrl)), pending);
      this.types.set(typeUrl, state);
    }
    if (this.variant.latestNonceOnly && state.lastNonce !== undefined && request.responseNonce !== state.lastNonce) {
      this.log.debug(
        { typeUrl, nonce: request.responseNonce, current: state.lastNonce },
        'ignoring a request with a stale nonce',
      );
      return [];
    }
    if (request.responseNonce !== '') this.acknowledge(typeUrl, state, request);
    this.variant.subscribe(request, state, first);
    const response = this.respond(typeUrl, state);
    return response ? [response] : [];
  }

  onSnapshot(snapshot: Snapshot): Response[] {
    this.snapshot = snapshot;
    const responses: Response[] = [];
    for (const typeUrl of pushOrder) {
      const state = this.types.get(typeUrl);
      if (!state || (state.lastNonce !== undefined && state.evaluatedVersion === snapshot.versions.get(typeUrl)))
        continue;
      const response = this.respond(typeUrl, state);
      if (response) responses.push(response);
    }
    return responses;
  }

  /** Records the ACK or NACK of the response the request's nonce names, if that one still awaits it. */
  private acknowledge(typeUrl: TypeUrl, state: State, request: Request): void {
    const version = state.pending.take(request.responseNonce);
    if (version === undefined) {
      this.log.debug(
        { typeUrl, nonce: request.responseNonce },
        'a request names an unknown, old or answered nonce; no ACK/NACK recorded',
      );
      return;
    }
    const at = this.now();
    if (request.errorDetail) {
      const error = errorText(request.errorDetail);
      this.log.warn({ typeUrl, version, error }, 'proxy rejected a response (NACK)');
      this.options.reporter.nacked(typeUrl, version, error, at);
    } else {
      this.options.reporter.acked(typeUrl, this.variant.ackedVersion(request, version), at);
    }
  }

  /** The response this type needs now, or none when the client is up to date. */
  private respond(typeUrl: TypeUrl, state: State): Response | undefined {
    const snapshot = this.snapshot;
    if (!snapshot) return undefined;
    const version = snapshot.versions.get(typeUrl) ?? '';
    state.evaluatedVersion = version;
    const ofType = snapshot.resources.get(typeUrl) ?? noResources;
    const content = this.variant.update(state, ofType, version, state.lastNonce === undefined);
    if (content === undefined) return undefined;

    const nonce = this.nextNonce();
    state.lastNonce = nonce;
    state.pending.add(nonce, version);
    this.options.reporter.sent(typeUrl, version, nonce, this.now());
    const response = this.variant.response(content, typeUrl, nonce, version);
    if (this.controlPlane) response.controlPlane = this.controlPlane;
    return response;
  }

  private answerUnknown(typeUrl: string): Response[] {
    if (this.unknownAnswered.has(typeUrl)) return [];
    this.unknownAnswered.add(typeUrl);
    this.log.debug({ typeUrl }, 'answering a request for a type this control plane does not serve with no resources');
    return [this.variant.response(this.variant.empty(), typeUrl, this.nextNonce(), '')];
  }
}

/** Nonces unique within a stream: a counter is enough (the spec asks only for uniqueness per stream). */
function nonceSequence(): () => string {
  let next = 0;
  return () => (++next).toString(36);
}

/** The text of a NACK's `error_detail`. */
const errorText = (detail: { readonly code: number; readonly message: string }): string =>
  detail.message !== '' ? detail.message : `rejected with code ${detail.code} and no message`;
