/**
 * The MeshLoadBalancingStrategy plugin: how a proxy picks an endpoint of each
 * destination its `to[]` entries cover.
 *
 *   loadBalancer        ─► cluster <service> and its subset clusters (traffic splits):
 *                          lb_policy and its config (cluster-lb.ts)
 *   hash policies       ─► every route of route configuration outbound:<service> (route-hash.ts);
 *                          a `to[]` entry naming a MeshHTTPRoute: that route's Routes only
 *   localityAwareness   ─► their ClusterLoadAssignments: priorities by zone (locality.ts),
 *                          the local zone split by affinity tags (affinity.ts)
 *
 * The proxy's zone is the `kuma.io/zone` tag of its inbounds; a proxy without
 * one has no local zone to prefer. Proxyless gRPC gets the subset it
 * implements (grpc-subset.ts) and a warning naming the rest.
 */
import { create } from '@bufbuild/protobuf';
import {
  ClusterSchema,
  Cluster_CommonLbConfig_LocalityWeightedLbConfigSchema,
  Cluster_CommonLbConfigSchema,
  type Cluster,
} from '../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../xds/envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { RouteConfigurationSchema } from '../../xds/envoy/gen/envoy/config/route/v3/route_pb.js';
import { ZONE_TAG } from '../../api/index.js';
import {
  type ClusterOrigin,
  defineEdit,
  destinationServiceOf,
  type LoadAssignmentOrigin,
} from '../../xds/generate/index.js';
import type { ProxyContext } from '../../xds/generate/index.js';
import {
  type MatchedPolicy,
  type PolicyPlugin,
  isRouteEntry,
  routeResolutionsOf,
  resolveTo,
  serviceDestination,
} from '../core/index.js';
import { splitByAffinity } from './affinity.js';
import { setLoadBalancer } from './cluster-lb.js';
import { grpcHashes, grpcLoadBalancerOf } from './grpc-subset.js';
import { hashPoliciesOf } from './hash-policies.js';
import { preferZone, prefersLocalZone, type LocalityAwareness } from './locality.js';
import { routeHashPolicyOf } from './route-hash.js';
import type { HashPolicy, MeshLoadBalancingStrategyConf } from './schema.js';

/** The zone the proxy runs in, from its inbounds' tags. */
export const proxyZone = (proxy: ProxyContext): string | undefined =>
  proxy.inbounds.map((inbound) => inbound.tags[ZONE_TAG]).find((zone) => zone !== undefined && zone !== '');

/** The proxy's own tags, for affinity: those of its inbounds, the first inbound's value winning. */
const proxyTags = (proxy: ProxyContext): Record<string, string> =>
  Object.assign({}, ...[...proxy.inbounds].reverse().map((inbound) => inbound.tags));

/** Turns on locality-weighted balancing (the affinity split) on a cluster the caller owns. */
function weighLocalities(cluster: Cluster): void {
  cluster.commonLbConfig ??= create(Cluster_CommonLbConfigSchema);
  cluster.commonLbConfig.localityConfigSpecifier = {
    case: 'localityWeightedLbConfig',
    value: create(Cluster_CommonLbConfig_LocalityWeightedLbConfigSchema),
  };
}

type LoadBalancer = NonNullable<MeshLoadBalancingStrategyConf['loadBalancer']>;

const withBalancing = defineEdit(
  'MeshLoadBalancingStrategy cluster',
  ClusterSchema,
  (copy, { lb, localityWeighted }: { lb?: LoadBalancer; localityWeighted: boolean }) => {
    if (lb) setLoadBalancer(copy, lb);
    if (localityWeighted) weighLocalities(copy);
  },
);

/**
 * The local zone preferred and, with affinity tags, split by them. `proxyTags`:
 * the proxy's values of the affinity tags, all the split reads of the proxy.
 */
const withZonePreference = defineEdit(
  'MeshLoadBalancingStrategy zone',
  ClusterLoadAssignmentSchema,
  (
    copy,
    {
      zone,
      locality,
      proxyTags,
    }: { zone: string; locality: LocalityAwareness; proxyTags: Readonly<Record<string, string>> },
  ) => {
    preferZone(copy, zone, locality);
    const affinity = locality.localZone?.affinityTags ?? [];
    if (affinity.length > 0) splitByAffinity(copy, zone, affinity, proxyTags);
  },
);

function confsByService(
  proxy: ProxyContext,
  matched: readonly MatchedPolicy[],
): Map<string, MeshLoadBalancingStrategyConf> {
  const confs = new Map<string, MeshLoadBalancingStrategyConf>();
  for (const service of proxy.destinations.keys()) {
    const conf = resolveTo(matched, serviceDestination(proxy, service)).conf as
      MeshLoadBalancingStrategyConf | undefined;
    if (conf) confs.set(service, conf);
  }
  return confs;
}

/**
 * `routes` with hash policies on every route that forwards to a cluster:
 * `perRoute`'s on the Routes it names (a `to[]` entry naming their
 * MeshHTTPRoute), `base` on the rest.
 */
const withHashPolicies = defineEdit(
  'MeshLoadBalancingStrategy hash',
  RouteConfigurationSchema,
  (
    copy,
    {
      base,
      perRoute,
    }: { base: readonly HashPolicy[]; perRoute: readonly (readonly [string, readonly HashPolicy[]])[] },
  ) => {
    const byRoute = new Map(perRoute);
    for (const host of copy.virtualHosts)
      for (const route of host.routes) {
        const policies = byRoute.get(route.name) ?? base;
        if (route.action.case === 'route' && policies.length > 0)
          route.action.value.hashPolicy = policies.map(routeHashPolicyOf);
      }
  },
);

export const meshLoadBalancingStrategyPlugin = {
  kind: 'MeshLoadBalancingStrategy',
  apply(resources, { proxy, matched, warn }) {
    const grpc = proxy.flavour === 'grpc';
    const byService = confsByService(proxy, matched);
    /** A destination's conf, for its own and its subset clusters and assignments. */
    const confOf = (origin: ClusterOrigin | LoadAssignmentOrigin): MeshLoadBalancingStrategyConf | undefined => {
      const service = destinationServiceOf(origin);
      return service === undefined ? undefined : byService.get(service);
    };
    const zone = proxyZone(proxy);
    const tags = proxyTags(proxy);
    const dropped = new Set<string>();
    /** The origins of assignments whose local zone was split by affinity: Envoy must weigh the localities of their clusters (which share the origin). */
    const weighted = new Set<ClusterOrigin | LoadAssignmentOrigin>();

    const withZones = resources.map('loadAssignments', (assignment, origin) => {
      const conf = confOf(origin);
      if (!conf || zone === undefined || !prefersLocalZone(conf.localityAwareness)) return assignment;
      const locality = conf.localityAwareness;
      if (grpc && locality?.crossZone?.failoverThreshold !== undefined)
        dropped.add('localityAwareness.crossZone.failoverThreshold');
      const affinity = locality?.localZone?.affinityTags ?? [];
      const affinityValues = Object.fromEntries(
        affinity.flatMap((tag) => (tags[tag.key] === undefined ? [] : [[tag.key, tags[tag.key]!]])),
      );
      const edited = withZonePreference(assignment, { zone, locality: locality ?? {}, proxyTags: affinityValues });
      // Whether the copy (perhaps made for another proxy) was split shows in its sub-zones.
      if (edited.endpoints.some((group) => (group.locality?.subZone ?? '') !== '')) weighted.add(origin);
      return edited;
    });

    const balanced = withZones.map('clusters', (cluster, origin) => {
      const requested = confOf(origin)?.loadBalancer;
      const subset =
        requested === undefined || !grpc ? { loadBalancer: requested, dropped: [] } : grpcLoadBalancerOf(requested);
      subset.dropped.forEach((field) => dropped.add(field));
      const lb = subset.loadBalancer;
      const localityWeighted = !grpc && weighted.has(origin);
      if (!lb && !localityWeighted) return cluster;
      return withBalancing(cluster, { ...(lb ? { lb } : {}), localityWeighted });
    });

    const supported = (all: readonly HashPolicy[]): readonly HashPolicy[] => {
      const kept = grpc ? all.filter(grpcHashes) : all;
      all.filter((policy) => !kept.includes(policy)).forEach((policy) => dropped.add(`hash policy ${policy.type}`));
      return kept;
    };
    const hashed = balanced.map('routeConfigurations', (routes, { service }) => {
      if (!proxy.destinations.has(service)) return routes;
      const conf = byService.get(service);
      const base = supported(conf ? hashPoliciesOf(conf) : []);
      const perRoute = new Map<string, readonly HashPolicy[]>();
      for (const [route, { entries }] of routeResolutionsOf(
        proxy,
        routes,
        matched,
        serviceDestination(proxy, service),
      )) {
        // A route entry sets `hashPolicies` alone (schema.ts); lists are replaced, so the last one set wins.
        const last = entries
          .filter(isRouteEntry)
          .map(({ entry }) => (entry.default as MeshLoadBalancingStrategyConf | undefined)?.hashPolicies)
          .findLast((policies) => policies !== undefined);
        if (last !== undefined) perRoute.set(route, supported(last));
      }
      return base.length > 0 || [...perRoute.values()].some((p) => p.length > 0)
        ? withHashPolicies(routes, { base, perRoute: [...perRoute] })
        : routes;
    });

    if (dropped.size > 0) {
      warn(
        `${[...dropped].join(', ')} not applied: proxyless gRPC supports RoundRobin and RingHash (XXHash) with header hash policies, and zone failover by priority only`,
      );
    }
    return hashed;
  },
} satisfies PolicyPlugin<'MeshLoadBalancingStrategy'>;
