/**
 * Which MeshGateway configures a builtin gateway Dataplane: of the mesh's
 * MeshGateways that may serve the proxy's zone, the one with a selector
 * matching the proxy's gateway tags most specifically (more exact tags, then
 * more `*` tags), the newest on a tie, the first by name after that. Policies
 * name a builtin gateway through it (`targetRef: {kind: MeshGateway}`), and
 * tag-based targetRefs match its listeners' tags. Pure.
 */
import type { Labels, Resource } from '../api/index.js';
import type { ServingGateway } from '../policies/core/index.js';

const ORIGIN_LABEL = 'kuma.io/origin';
const ZONE_LABEL = 'kuma.io/zone';
const ANY_VALUE = '*';

/** A MeshGateway as gateway selection reads it. */
export interface GatewayModel {
  readonly name: string;
  readonly labels: Labels;
  readonly created: number;
  readonly selectors: readonly Labels[];
  readonly tags: Labels;
  readonly listenerTags: readonly Labels[];
}

interface GatewaySpecShape {
  readonly selectors?: readonly { readonly match?: Labels }[];
  readonly tags?: Labels;
  readonly conf?: { readonly listeners?: readonly { readonly tags?: Labels }[] };
}

export function gatewayModelOf(resource: Resource): GatewayModel {
  const spec = resource.spec as GatewaySpecShape;
  return {
    name: resource.name,
    labels: resource.labels,
    created: resource.creationTime.getTime(),
    selectors: (spec.selectors ?? []).map((selector) => selector.match ?? {}),
    tags: spec.tags ?? {},
    listenerTags: (spec.conf?.listeners ?? []).map((listener) => listener.tags ?? {}),
  };
}

/** A gateway created in another zone does not serve this proxy; one from global, or with no origin, serves every zone. */
function servesZone(gateway: GatewayModel, proxyLabels: Labels): boolean {
  const origin = gateway.labels[ORIGIN_LABEL];
  if (origin === undefined || origin === 'global') return true;
  const zone = proxyLabels[ZONE_LABEL];
  return zone === undefined || gateway.labels[ZONE_LABEL] === undefined || gateway.labels[ZONE_LABEL] === zone;
}

/** How specifically a selector matches the tags: [exact, wildcard], or undefined when it does not. */
function rankOf(selector: Labels, tags: Labels): [number, number] | undefined {
  let exact = 0;
  let wildcard = 0;
  for (const [key, value] of Object.entries(selector)) {
    if (!Object.hasOwn(tags, key)) return undefined;
    if (value === ANY_VALUE) wildcard++;
    else if (tags[key] === value) exact++;
    else return undefined;
  }
  return [exact, wildcard];
}

const compareRanks = (a: readonly [number, number], b: readonly [number, number]): number => a[0] - b[0] || a[1] - b[1];

/** The MeshGateway serving a builtin gateway with these gateway tags and Dataplane labels, if any. */
export function servingGateway(
  gateways: Iterable<GatewayModel>,
  proxyTags: Labels,
  proxyLabels: Labels,
): ServingGateway | undefined {
  const byName = [...gateways].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let best: { gateway: GatewayModel; rank: [number, number] } | undefined;
  for (const gateway of byName) {
    if (!servesZone(gateway, proxyLabels)) continue;
    for (const selector of gateway.selectors) {
      const rank = rankOf(selector, proxyTags);
      if (rank === undefined) continue;
      const order = best === undefined ? 1 : compareRanks(rank, best.rank);
      if (order > 0 || (order === 0 && gateway.created > best!.gateway.created)) best = { gateway, rank };
    }
  }
  if (best === undefined) return undefined;
  const { gateway } = best;
  return {
    name: gateway.name,
    labels: gateway.labels,
    listenerTags: gateway.listenerTags.map((listener) => ({ ...proxyTags, ...gateway.tags, ...listener })),
  };
}
