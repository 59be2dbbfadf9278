/**
 * Clusters Envoy is warming, whose endpoints must be sent again.
 *
 * A Cluster that arrives over CDS, new or changed (a changed one replaces
 * the old), stays warming until Envoy receives its ClusterLoadAssignment
 * ("Resource warming":
 * https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#resource-warming).
 * The new cluster watches the same EDS name as the one it replaces, so
 * Envoy's subscription does not change and it asks for nothing: a server
 * that sends only what changed leaves the cluster warming until the
 * initial fetch timeout (15 s), and only then does Envoy fall back to the
 * endpoints it had. Seen with real Envoy 1.38: a MeshTimeout changing every
 * cluster's connect timeout took 15 s to apply, over delta and SotW alike.
 *
 * So both stream machines note the clusters each CDS response carries (new
 * or changed) and send the endpoints of those clusters next, unchanged or
 * not. Koguma names a cluster's ClusterLoadAssignment after the cluster
 * (no `eds_cluster_config.service_name`), so the names are the same. A
 * client that does not warm (grpc-js) just gets the same endpoints again.
 */

export class WarmingClusters {
  private readonly names = new Set<string>();

  /** The clusters a CDS response carried, new or changed. */
  sent(names: Iterable<string>): void {
    for (const name of names) this.names.add(name);
  }

  get pending(): boolean {
    return this.names.size > 0;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** An EDS response went out: what was pending has been served (or is not subscribed, and so not awaited). */
  served(): void {
    this.names.clear();
  }
}
