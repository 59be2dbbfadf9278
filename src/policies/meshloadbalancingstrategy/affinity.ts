/**
 * Affinity inside the local zone (`localityAwareness.localZone.affinityTags`):
 * endpoints that share a tag value with the proxy (same node, same rack) get
 * most of the local traffic. The local zone's locality (priority 0) is split
 * into one locality per tag, by sub-zone, weighted:
 *
 *   endpoints whose first shared tag is affinityTags[i] ─► sub-zone `affinity-<i>`, weight w(i)
 *   the rest of the local zone                          ─► sub-zone '', weight 1
 *
 * w(i) is the tag's `weight`, or, when no tag has one, 9 × 10^(n-1-i) for n
 * tags (90, 9 and 1 for two tags: 90 %, 9 %, 1 %). Weights are shares of the
 * groups, not per endpoint. Envoy applies them with
 * `common_lb_config.locality_weighted_lb_config`; gRPC always weighs
 * localities (gRFC A52 xds_wrr_locality).
 */
import { create } from '@bufbuild/protobuf';
import type { ClusterLoadAssignment } from '../../xds/envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import {
  LocalityLbEndpointsSchema,
  type LbEndpoint,
} from '../../xds/envoy/gen/envoy/config/endpoint/v3/endpoint_components_pb.js';
import { LB_METADATA_NAMESPACE } from '../../xds/generate/index.js';
import type { LocalityAwareness } from './locality.js';

export type AffinityTag = NonNullable<NonNullable<LocalityAwareness['localZone']>['affinityTags']>[number];
type Tags = Readonly<Record<string, string>>;

const weightsOf = (tags: readonly AffinityTag[]): number[] =>
  tags.map((tag, i) => tag.weight ?? 9 * 10 ** (tags.length - 1 - i));

/** An endpoint's tags, which it carries in its `envoy.lb` metadata (xds/generate/builders/load-assignment.ts). */
const tagsOf = (endpoint: LbEndpoint): Readonly<Record<string, unknown>> =>
  endpoint.metadata?.filterMetadata[LB_METADATA_NAMESPACE] ?? {};

/**
 * Splits the local zone's locality of an assignment the caller owns. `proxyTags`
 * are the proxy's own tags (those `tags` name are enough).
 * Returns whether it split anything (the cluster then needs locality-weighted balancing).
 */
export function splitByAffinity(
  assignment: ClusterLoadAssignment,
  localZone: string,
  tags: readonly AffinityTag[],
  proxyTags: Tags,
): boolean {
  const at = assignment.endpoints.findIndex(
    (group) => group.priority === 0 && (group.locality?.zone ?? '') === localZone,
  );
  const local = assignment.endpoints[at];
  const shared = tags.map((tag) => proxyTags[tag.key]);
  if (local === undefined || shared.every((value) => value === undefined)) return false;
  const groupOf = (endpoint: LbEndpoint): number => {
    const own = tagsOf(endpoint);
    const i = tags.findIndex((tag, k) => shared[k] !== undefined && own[tag.key] === shared[k]);
    return i === -1 ? tags.length : i;
  };
  const weights = [...weightsOf(tags), 1];
  const groups = weights.map((weight, i) => ({
    weight,
    subZone: i < tags.length ? `affinity-${i}` : '',
    endpoints: [] as LbEndpoint[],
  }));
  for (const endpoint of local.lbEndpoints) groups[groupOf(endpoint)]!.endpoints.push(endpoint);
  const split = groups
    .filter((group) => group.endpoints.length > 0)
    .map((group) =>
      create(LocalityLbEndpointsSchema, {
        locality: { region: local.locality?.region ?? '', zone: localZone, subZone: group.subZone },
        loadBalancingWeight: group.weight,
        priority: 0,
        lbEndpoints: group.endpoints,
      }),
    );
  assignment.endpoints.splice(at, 1, ...split);
  return true;
}
