/**
 * What proxyless gRPC can do with a resolved conf. grpc-js-xds 1.14 accepts a
 * cluster `lb_policy` of ROUND_ROBIN or RING_HASH (XX_HASH only, ring sizes up
 * to 8M: cluster-resource-type.js) and, of route hash policies, only `header`
 * and the `filter_state` key `io.grpc.channel_id` (resolver-xds.js); anything
 * else in a cluster or route would be a NACK or silently ignored. Priorities
 * in endpoints are honoured (failover by connectivity, gRFC A27), but not the
 * overprovisioning factor.
 */
import type { LoadBalancer } from './cluster-lb.js';
import type { HashPolicy } from './schema.js';

/** The one filter state key gRPC hashes: the channel, so every call of a channel goes to one endpoint. */
const GRPC_CHANNEL_ID = 'io.grpc.channel_id';

export const grpcHashes = (policy: HashPolicy): boolean =>
  policy.type === 'Header' || (policy.type === 'FilterState' && policy.filterState?.key === GRPC_CHANNEL_ID);

export interface GrpcLoadBalancer {
  /** The load balancer to set; undefined leaves the generated ROUND_ROBIN. */
  readonly loadBalancer: LoadBalancer | undefined;
  readonly dropped: readonly string[];
}

export function grpcLoadBalancerOf(lb: LoadBalancer): GrpcLoadBalancer {
  if (lb.type === 'RoundRobin') return { loadBalancer: lb, dropped: [] };
  if (lb.type !== 'RingHash') return { loadBalancer: undefined, dropped: [`loadBalancer.type ${lb.type}`] };
  const ring = lb.ringHash ?? {};
  if (ring.hashFunction !== 'MurmurHash2') return { loadBalancer: lb, dropped: [] };
  const { hashFunction: _murmur, ...rest } = ring;
  return { loadBalancer: { ...lb, ringHash: rest }, dropped: ['loadBalancer.ringHash.hashFunction MurmurHash2'] };
}
