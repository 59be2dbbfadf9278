/**
 * State-of-the-world ADS: what sets it apart from delta; the rest of the
 * stream's protocol state is shared (ads-stream.ts).
 *
 * Protocol (https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol):
 * - Each request carries the type's whole subscription (subscription.ts).
 * - Every response carries all subscribed resources of its type that exist;
 *   `version_info` is the snapshot's version of that type.
 * - A request whose `response_nonce` is not the type's last nonce is stale
 *   and ignored ("ACK and NACK semantics summary"); the client will send the
 *   current subscription again with the newest nonce. A later request with
 *   an answered nonce (Envoy asking for more names) only changes the
 *   subscription. An ACK's `version_info` is the version recorded.
 * - A response goes out only when what the client would receive differs from
 *   the last response, so NACKed content is not sent again: for a wildcard
 *   that is the type's version; for named resources, their versions (a change
 *   to an endpoint set nobody here asked for sends nothing). A subscription
 *   change is answered the same way. A named resource the snapshot lacks is
 *   left out, and sent when it appears.
 */
import { create } from '@bufbuild/protobuf';
import {
  DiscoveryResponseSchema,
  type DiscoveryRequest,
  type DiscoveryResponse,
} from '../envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import type { EncodedResource } from '../index.js';
import { AdsStream, TypeState, type AdsVariant } from './ads-stream.js';
import type { Subscription } from './subscription.js';
import type { XdsStreamOptions } from './xds-stream.js';

class SotwTypeState extends TypeState {
  /** A key of the last response's content. */
  sentKey: string | undefined = undefined;
}

export const sotw: AdsVariant<DiscoveryRequest, DiscoveryResponse, SotwTypeState, readonly EncodedResource[]> = {
  protocol: 'sotw',
  name: 'SotW',
  latestNonceOnly: true,
  newState: (subscription, pending) => new SotwTypeState(subscription, pending),
  ackedVersion: (request) => request.versionInfo,
  resumes: (first) => first.versionInfo !== '',
  subscribe: (request, state) => void state.subscription.replace(request.resourceNames),
  update(state, ofType, version, mustAnswer) {
    const { resources, key } = select(state.subscription, ofType, version);
    if (!mustAnswer && state.sentKey === key) return undefined;
    state.sentKey = key;
    return resources;
  },
  empty: () => [],
  response: (resources, typeUrl, nonce, version) =>
    create(DiscoveryResponseSchema, {
      versionInfo: version,
      typeUrl,
      nonce,
      resources: resources.map((resource) => resource.any),
    }),
};

export class SotwStream extends AdsStream<
  DiscoveryRequest,
  DiscoveryResponse,
  SotwTypeState,
  readonly EncodedResource[]
> {
  constructor(options: XdsStreamOptions) {
    super(sotw, options);
  }
}

/** The subscribed resources that exist, and a key that changes exactly when they do. */
function select(
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
