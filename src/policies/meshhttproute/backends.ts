/**
 * From route backendRefs to clusters, for MeshHTTPRoute and MeshTCPRoute.
 *
 *   MeshService backend          ─► the service's cluster `<service>`
 *   MeshServiceSubset with tags  ─► a subset cluster `<service>_<tag>_<value>[_<tag>_<value>...]`
 *                                   (tags sorted by name; characters other than
 *                                   letters, digits, `.` and `-` become `_`),
 *                                   a copy of the service cluster (same TLS,
 *                                   protocol options, load balancing) under the
 *                                   new name, with its own ClusterLoadAssignment
 *                                   holding only the endpoints whose tags match
 *
 * A backend is dropped, with a warning, when the proxy has no cluster for its
 * service (the service is not one of the proxy's outbounds), when its kind is
 * not routable here yet (MeshExternalService, MeshMultiZoneService), or when
 * its weight is 0 (it would receive nothing).
 *
 * Subset clusters copy the service cluster as it is when routes apply (order
 * 100/200), and are added with their origin (the service and the tags,
 * xds/generate/origins.ts): plugins after them that configure a service's
 * cluster find its subset clusters by that origin, never by name.
 */
import { ClusterSchema, type Cluster } from '../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import type { ClusterLoadAssignment } from '../../xds/envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import {
  buildClusterLoadAssignment,
  type WeightedClusterInput,
  byString,
  localitiesOf,
  type DestinationContext,
  type ProxyContext,
} from '../../xds/generate/index.js';
import {
  defineEdit,
  type Entry,
  onePerObject,
  type ProxyResources,
  serviceClusters,
  type SubsetOrigin,
} from '../../xds/generate/index.js';
import type { BackendRef } from '../core/index.js';

type Tags = Readonly<Record<string, string>>;

const sanitize = (text: string): string => text.replace(/[^A-Za-z0-9.-]/g, '_');

/** The name of the cluster holding the endpoints of `service` whose tags include `tags`. */
export function subsetClusterName(service: string, tags: Tags): string {
  const pairs = Object.keys(tags)
    .sort(byString)
    .flatMap((key) => [key, tags[key] ?? '']);
  return [service, ...pairs].map(sanitize).join('_');
}

const hasTags = (endpointTags: Tags, wanted: Tags): boolean =>
  Object.entries(wanted).every(([key, value]) => endpointTags[key] === value);

/** One assignment per (destination object, subset name): shared by every proxy routing to that subset. */
const subsetAssignmentsOf = onePerObject(
  (_destination: DestinationContext) => new Map<string, ClusterLoadAssignment>(),
);

function subsetLoadAssignment(destination: DestinationContext, name: string, tags: Tags): ClusterLoadAssignment {
  const known = subsetAssignmentsOf(destination);
  let assignment = known.get(name);
  if (assignment === undefined) {
    const endpoints = destination.endpoints.filter((endpoint) => hasTags(endpoint.tags, tags));
    assignment = buildClusterLoadAssignment(name, localitiesOf({ ...destination, endpoints }));
    known.set(name, assignment);
  }
  return assignment;
}

/** Resolves backendRefs against one proxy's resources, collecting the subset clusters they need. */
export class BackendClusters {
  /** The subset clusters and assignments resolved so far, by the name given to them. */
  readonly #clusters = new Map<string, Entry<'clusters'>>();
  readonly #assignments = new Map<string, Entry<'loadAssignments'>>();
  /** Each destination service's own cluster. */
  readonly #services: ReadonlyMap<string, Cluster>;

  constructor(
    private readonly proxy: ProxyContext,
    resources: ProxyResources,
    private readonly warn: (message: string) => void,
  ) {
    this.#services = serviceClusters(resources);
  }

  /** The name of the service's own cluster, as the proxy has it; undefined when it has none. */
  serviceCluster(service: string): string | undefined {
    return this.#services.get(service)?.name;
  }

  /** The cluster a backendRef sends to, or undefined (warned) when the proxy cannot reach it. */
  clusterOf(ref: BackendRef, where: string): string | undefined {
    if (ref.kind !== 'MeshService' && ref.kind !== 'MeshServiceSubset') {
      this.warn(
        `${where}: backendRef of kind ${ref.kind} not applied: only MeshService and MeshServiceSubset backends are routed`,
      );
      return undefined;
    }
    const service = ref.name ?? '';
    const serviceCluster = this.#services.get(service);
    if (serviceCluster === undefined) {
      this.warn(`${where}: backendRef ${ref.kind} ${service} not applied: the proxy has no outbound to ${service}`);
      return undefined;
    }
    const tags = ref.kind === 'MeshServiceSubset' ? (ref.tags ?? {}) : {};
    if (Object.keys(tags).length === 0) return serviceCluster.name;
    const name = subsetClusterName(service, tags);
    if (!this.#clusters.has(name)) {
      const origin: SubsetOrigin = { kind: 'subset', service, tags };
      this.#clusters.set(name, { message: asSubsetCluster(serviceCluster, { name }), origin });
      const destination = this.proxy.destinations.get(service) ?? { service, protocol: 'tcp' as const, endpoints: [] };
      this.#assignments.set(name, { message: subsetLoadAssignment(destination, name, tags), origin });
    }
    return name;
  }

  /** The weighted clusters of backendRefs; empty when none can receive traffic (each dropped one warned). */
  weighted(refs: readonly BackendRef[], where: string): WeightedClusterInput[] {
    const clusters: WeightedClusterInput[] = [];
    for (const ref of refs) {
      const weight = ref.weight ?? 1;
      if (weight === 0) continue;
      const cluster = this.clusterOf(ref, where);
      if (cluster !== undefined) clusters.push({ cluster, weight });
    }
    return clusters;
  }

  /** `resources` plus the subset clusters and assignments resolved so far (a subset already there, from another route plugin, is kept). */
  addTo(resources: ProxyResources): ProxyResources {
    return resources.add('clusters', this.#clusters.values()).add('loadAssignments', this.#assignments.values());
  }
}

/** A copy of the service cluster under a subset's name. An EDS cluster's assignment is found by the cluster's name unless it names a service_name: rename both. */
const asSubsetCluster = defineEdit('subset cluster', ClusterSchema, (copy, { name }: { name: string }) => {
  copy.name = name;
  if (copy.edsClusterConfig?.serviceName) copy.edsClusterConfig.serviceName = name;
});
