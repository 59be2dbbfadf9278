/**
 * Incremental (delta) ADS: what sets it apart from SotW; the rest of the
 * stream's protocol state is shared (ads-stream.ts). Per type it keeps, per
 * resource, the version the client has, and sends only what changed.
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
 * - A request's `response_nonce` ACKs or NACKs any recent response. What was
 *   sent counts as what the client has, NACKed or not, so a rejected version
 *   is never sent again and the next change is. Subscription changes apply
 *   whatever the nonce: delta requests carry changes, not the whole list, so
 *   none may be dropped.
 */
import { create } from '@bufbuild/protobuf';
import {
  DeltaDiscoveryResponseSchema,
  ResourceSchema,
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
  type Resource,
} from '../envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import type { EncodedResource } from '../index.js';
import { AdsStream, TypeState, type AdsVariant } from './ads-stream.js';
import type { XdsStreamOptions } from './xds-stream.js';

class DeltaTypeState extends TypeState {
  /** Per resource name, the version the client has (or was sent). */
  readonly known = new Map<string, string>();
  /** Newly subscribed names to declare absent in the next response if still missing. */
  readonly announceAbsent = new Set<string>();
}

/** A delta response's content: resources sent and names removed. */
interface DeltaChanges {
  readonly resources: Resource[];
  readonly removed: ReadonlySet<string>;
}

export const delta: AdsVariant<DeltaDiscoveryRequest, DeltaDiscoveryResponse, DeltaTypeState, DeltaChanges> = {
  protocol: 'delta',
  name: 'delta',
  latestNonceOnly: false,
  newState: (subscription, pending) => new DeltaTypeState(subscription, pending),
  // A delta ACK carries no version of its own: the one sent under its nonce is what the client has.
  ackedVersion: (_request, sent) => sent,
  resumes: (first) => Object.keys(first.initialResourceVersions).length > 0,
  subscribe(request, state, first) {
    if (first) {
      for (const [name, version] of Object.entries(request.initialResourceVersions)) state.known.set(name, version);
    }
    const { added, removed } = state.subscription.change(
      request.resourceNamesSubscribe,
      request.resourceNamesUnsubscribe,
      first,
    );
    for (const name of removed) if (!state.subscription.covers(name)) state.known.delete(name);
    for (const name of added) if (!state.known.has(name)) state.announceAbsent.add(name);
    for (const name of state.known.keys()) if (!state.subscription.covers(name)) state.known.delete(name);
  },
  update: changesFor,
  empty: () => ({ resources: [], removed: new Set() }),
  response: ({ resources, removed }, typeUrl, nonce, version) =>
    create(DeltaDiscoveryResponseSchema, {
      systemVersionInfo: version,
      typeUrl,
      nonce,
      resources,
      removedResources: [...removed],
    }),
};

export class DeltaStream extends AdsStream<
  DeltaDiscoveryRequest,
  DeltaDiscoveryResponse,
  DeltaTypeState,
  DeltaChanges
> {
  constructor(options: XdsStreamOptions) {
    super(delta, options);
  }
}

/** The resources the client lacks or has in another version, and the names it has that are gone; recorded as the client's. */
function changesFor(
  state: DeltaTypeState,
  ofType: ReadonlyMap<string, EncodedResource>,
  _version: string,
  mustAnswer: boolean,
): DeltaChanges | undefined {
  const resources: Resource[] = [];
  const send = (resource: EncodedResource): void => {
    if (state.known.get(resource.name) === resource.version) return;
    state.known.set(resource.name, resource.version);
    resources.push(create(ResourceSchema, { name: resource.name, version: resource.version, resource: resource.any }));
  };
  if (state.subscription.wildcard) for (const resource of ofType.values()) send(resource);
  for (const name of state.subscription.names) {
    const resource = ofType.get(name);
    if (resource) send(resource);
  }
  const removed = new Set<string>();
  for (const name of state.known.keys()) {
    if (ofType.has(name)) continue;
    removed.add(name);
    state.known.delete(name);
  }
  for (const name of state.announceAbsent) if (!ofType.has(name)) removed.add(name);
  state.announceAbsent.clear();
  return resources.length === 0 && removed.size === 0 && !mustAnswer ? undefined : { resources, removed };
}
