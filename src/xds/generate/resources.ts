/**
 * ProxyResources: what a generator returns and a policy plugin takes and
 * returns, one list per xDS type, each sorted by name and free of duplicates.
 * The collector keeps the first resource given under a name: generators add
 * in a sorted order, so "first" is deterministic.
 */
import type { Cluster } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import type { ClusterLoadAssignment } from '../envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { Listener } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import type { RouteConfiguration } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import type { Secret } from '../envoy/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import { byString } from './destinations.js';

export interface ProxyResources {
  readonly listeners: readonly Listener[];
  readonly routeConfigurations: readonly RouteConfiguration[];
  readonly clusters: readonly Cluster[];
  /** Named by `clusterName`. */
  readonly loadAssignments: readonly ClusterLoadAssignment[];
  readonly secrets: readonly Secret[];
}

const sortedValues = <T>(byName: Map<string, T>): T[] =>
  [...byName.entries()].sort(([a], [b]) => byString(a, b)).map(([, value]) => value);

export class ResourceCollector {
  readonly #listeners = new Map<string, Listener>();
  readonly #routes = new Map<string, RouteConfiguration>();
  readonly #clusters = new Map<string, Cluster>();
  readonly #loadAssignments = new Map<string, ClusterLoadAssignment>();
  readonly #secrets = new Map<string, Secret>();

  listener(listener: Listener): void {
    if (!this.#listeners.has(listener.name)) this.#listeners.set(listener.name, listener);
  }

  routeConfiguration(route: RouteConfiguration): void {
    if (!this.#routes.has(route.name)) this.#routes.set(route.name, route);
  }

  cluster(cluster: Cluster): void {
    if (!this.#clusters.has(cluster.name)) this.#clusters.set(cluster.name, cluster);
  }

  loadAssignment(assignment: ClusterLoadAssignment): void {
    if (!this.#loadAssignments.has(assignment.clusterName)) this.#loadAssignments.set(assignment.clusterName, assignment);
  }

  secret(secret: Secret): void {
    if (!this.#secrets.has(secret.name)) this.#secrets.set(secret.name, secret);
  }

  resources(): ProxyResources {
    return {
      listeners: sortedValues(this.#listeners),
      routeConfigurations: sortedValues(this.#routes),
      clusters: sortedValues(this.#clusters),
      loadAssignments: sortedValues(this.#loadAssignments),
      secrets: sortedValues(this.#secrets),
    };
  }
}
