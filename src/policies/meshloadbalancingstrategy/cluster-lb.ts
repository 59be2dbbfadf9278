/**
 * A MeshLoadBalancingStrategy `loadBalancer` as the cluster's `lb_policy` and
 * its typed config:
 *
 *   RoundRobin   ─► ROUND_ROBIN
 *   LeastRequest ─► LEAST_REQUEST + least_request_lb_config (choice count, active request bias)
 *   RingHash     ─► RING_HASH     + ring_hash_lb_config (hash function, ring sizes)
 *   Random       ─► RANDOM
 *   Maglev       ─► MAGLEV        + maglev_lb_config (table size)
 *
 * The hash policies of the two consistent-hash types belong on routes
 * (route-hash.ts), not here.
 */
import { create } from '@bufbuild/protobuf';
import {
  Cluster_LbPolicy,
  Cluster_LeastRequestLbConfigSchema,
  Cluster_MaglevLbConfigSchema,
  Cluster_RingHashLbConfig_HashFunction,
  Cluster_RingHashLbConfigSchema,
  type Cluster,
} from '../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { RuntimeDoubleSchema } from '../../xds/envoy/gen/envoy/config/core/v3/base_pb.js';
import type { MeshLoadBalancingStrategyConf } from './schema.js';

export type LoadBalancer = NonNullable<MeshLoadBalancingStrategyConf['loadBalancer']>;

const LB_POLICIES = {
  RoundRobin: Cluster_LbPolicy.ROUND_ROBIN,
  LeastRequest: Cluster_LbPolicy.LEAST_REQUEST,
  RingHash: Cluster_LbPolicy.RING_HASH,
  Random: Cluster_LbPolicy.RANDOM,
  Maglev: Cluster_LbPolicy.MAGLEV,
} as const satisfies Record<LoadBalancer['type'], Cluster_LbPolicy>;

function lbConfigOf(lb: LoadBalancer, clusterName: string): Cluster['lbConfig'] {
  switch (lb.type) {
    case 'LeastRequest': {
      const least = lb.leastRequest ?? {};
      return {
        case: 'leastRequestLbConfig',
        value: create(Cluster_LeastRequestLbConfigSchema, {
          ...(least.choiceCount !== undefined ? { choiceCount: least.choiceCount } : {}),
          // Envoy reads the bias from a runtime key first; the key is per cluster so one override cannot move every cluster.
          ...(least.activeRequestBias !== undefined
            ? {
                activeRequestBias: create(RuntimeDoubleSchema, {
                  defaultValue: Number(least.activeRequestBias),
                  runtimeKey: `koguma.lb.${clusterName}.active_request_bias`,
                }),
              }
            : {}),
        }),
      };
    }
    case 'RingHash': {
      const ring = lb.ringHash ?? {};
      return {
        case: 'ringHashLbConfig',
        value: create(Cluster_RingHashLbConfigSchema, {
          hashFunction:
            ring.hashFunction === 'MurmurHash2'
              ? Cluster_RingHashLbConfig_HashFunction.MURMUR_HASH_2
              : Cluster_RingHashLbConfig_HashFunction.XX_HASH,
          ...(ring.minRingSize !== undefined ? { minimumRingSize: BigInt(ring.minRingSize) } : {}),
          ...(ring.maxRingSize !== undefined ? { maximumRingSize: BigInt(ring.maxRingSize) } : {}),
        }),
      };
    }
    case 'Maglev': {
      const tableSize = lb.maglev?.tableSize;
      return {
        case: 'maglevLbConfig',
        value: create(Cluster_MaglevLbConfigSchema, tableSize !== undefined ? { tableSize: BigInt(tableSize) } : {}),
      };
    }
    default:
      return { case: undefined };
  }
}

/** Sets the load balancer on a cluster the caller owns (an edited copy). */
export function setLoadBalancer(cluster: Cluster, lb: LoadBalancer): void {
  cluster.lbPolicy = LB_POLICIES[lb.type];
  cluster.lbConfig = lbConfigOf(lb, cluster.name);
}
