/**
 * ClusterLoadAssignment: a cluster's endpoints, grouped by locality. Every
 * locality carries a `load_balancing_weight`: Envoy ignores it unless
 * locality-weighted balancing is on, but gRPC drops a locality without one
 * (gRFC A27; grpc-js-xds `xds-dependency-manager.js` skips
 * `!endpoint.load_balancing_weight`). An endpoint's tags ride in its
 * `envoy.lb` filter metadata, where Envoy's retry host predicate
 * omit_host_metadata and metadata-based subsets look for them.
 */
import { create } from '@bufbuild/protobuf';
import {
  ClusterLoadAssignmentSchema,
  type ClusterLoadAssignment,
} from '../../envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import {
  LbEndpointSchema,
  LocalityLbEndpointsSchema,
  type LbEndpoint,
  type LocalityLbEndpoints,
} from '../../envoy/gen/envoy/config/endpoint/v3/endpoint_components_pb.js';
import { socketAddress } from './address.js';

export interface EndpointInput {
  readonly address: string;
  readonly port: number;
  /** Defaults to 1. */
  readonly weight?: number;
  /** The endpoint's tags, as `envoy.lb` metadata; none when empty. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The filter metadata namespace Envoy's load balancer and retry predicates read endpoint tags from. */
export const LB_METADATA_NAMESPACE = 'envoy.lb';

export interface LocalityInput {
  /** The locality's zone; '' for none (an empty locality, still present). */
  readonly zone: string;
  /** At least 1. */
  readonly weight: number;
  readonly endpoints: readonly EndpointInput[];
  /** 0 is the highest priority. */
  readonly priority?: number;
}

function lbEndpoint(endpoint: EndpointInput): LbEndpoint {
  return create(LbEndpointSchema, {
    hostIdentifier: { case: 'endpoint', value: { address: socketAddress(endpoint.address, endpoint.port) } },
    loadBalancingWeight: endpoint.weight ?? 1,
    ...(endpoint.tags === undefined || Object.keys(endpoint.tags).length === 0
      ? {}
      : { metadata: { filterMetadata: { [LB_METADATA_NAMESPACE]: { ...endpoint.tags } } } }),
  });
}

function localityLbEndpoints(locality: LocalityInput): LocalityLbEndpoints {
  return create(LocalityLbEndpointsSchema, {
    // Always set, even when empty: gRPC rejects an assignment with `locality` unset.
    locality: { zone: locality.zone },
    loadBalancingWeight: locality.weight,
    priority: locality.priority ?? 0,
    lbEndpoints: locality.endpoints.map(lbEndpoint),
  });
}

export function buildClusterLoadAssignment(
  clusterName: string,
  localities: readonly LocalityInput[],
): ClusterLoadAssignment {
  return create(ClusterLoadAssignmentSchema, { clusterName, endpoints: localities.map(localityLbEndpoints) });
}
