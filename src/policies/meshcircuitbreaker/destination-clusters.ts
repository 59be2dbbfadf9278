/**
 * Which destination service a cluster carries traffic for. Besides the
 * service's own cluster `<service>`, MeshHTTPRoute and MeshTCPRoute split
 * traffic over subset clusters `<service>_<tag>_<value>...` (copies of it,
 * meshhttproute/backends.ts), which must get the same circuit breaking, health
 * checks and load balancing. Used by every plugin configuring destination
 * clusters (MeshCircuitBreaker, MeshHealthCheck, MeshLoadBalancingStrategy).
 */
import { serviceClusterName } from '../../xds/generate/names.js';

/**
 * The service of each named cluster that belongs to one, by cluster name. The
 * longest service name wins, so with destinations `a` and `a_b` the cluster
 * `a_b_version_v2` belongs to `a_b`.
 */
export function servicesOfClusters(clusterNames: Iterable<string>, services: Iterable<string>): Map<string, string> {
  const byCluster = new Map([...services].map((service) => [serviceClusterName(service), service]));
  const longestFirst = [...byCluster.keys()].sort((a, b) => b.length - a.length);
  const owners = new Map<string, string>();
  for (const name of clusterNames) {
    const owner = byCluster.has(name) ? name : longestFirst.find((cluster) => name.startsWith(`${cluster}_`));
    const service = owner === undefined ? undefined : byCluster.get(owner);
    if (service !== undefined) owners.set(name, service);
  }
  return owners;
}
