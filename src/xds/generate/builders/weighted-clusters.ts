/**
 * Where a route or a TCP proxy sends traffic: one cluster, or several split
 * by weight. A single destination is named directly (`cluster`) rather than
 * as a one-entry `weighted_clusters`, so an unsplit route looks like the
 * generators' default route.
 */
import { create } from '@bufbuild/protobuf';
import { WeightedClusterSchema, type RouteAction } from '../../envoy/gen/envoy/config/route/v3/route_components_pb.js';
import {
  TcpProxy_WeightedClusterSchema,
  type TcpProxy,
} from '../../envoy/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';

export interface WeightedClusterInput {
  readonly cluster: string;
  /** Relative to the others; at least one entry must weigh more than 0. */
  readonly weight: number;
}

/** A RouteAction's cluster specifier for these clusters (at least one). */
export function routeClusterSpecifier(clusters: readonly WeightedClusterInput[]): RouteAction['clusterSpecifier'] {
  const only = clusters.length === 1 ? clusters[0] : undefined;
  if (only) return { case: 'cluster', value: only.cluster };
  return {
    case: 'weightedClusters',
    value: create(WeightedClusterSchema, {
      clusters: clusters.map(({ cluster, weight }) => ({ name: cluster, weight })),
    }),
  };
}

/** A TcpProxy's cluster specifier for these clusters (at least one). */
export function tcpProxyClusterSpecifier(clusters: readonly WeightedClusterInput[]): TcpProxy['clusterSpecifier'] {
  const only = clusters.length === 1 ? clusters[0] : undefined;
  if (only) return { case: 'cluster', value: only.cluster };
  return {
    case: 'weightedClusters',
    value: create(TcpProxy_WeightedClusterSchema, {
      clusters: clusters.map(({ cluster, weight }) => ({ name: cluster, weight })),
    }),
  };
}
