/**
 * The MeshCircuitBreaker plugin: connection limits and outlier detection on
 * the clusters a proxy sends to.
 *
 *   to[]            ─► cluster <service> of every destination it covers, and its
 *                      subset clusters (traffic splits: destination-clusters.ts)
 *   from[] (Mesh), rules[] (catch-all)
 *                   ─► local cluster localhost:<servicePort> of each inbound (Envoy)
 *
 * A cluster is not per client, so on the inbound side only what applies to
 * every client counts: `rules[]` without matches, or `from[]` entries naming
 * the whole mesh (as Kuma does). Proxyless gRPC has no local clusters, and
 * honours only part of the conf (grpc-subset.ts); the rest is a warning.
 */
import { create } from '@bufbuild/protobuf';
import { ClusterSchema, Cluster_CommonLbConfigSchema, type Cluster } from '../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { PercentSchema } from '../../xds/envoy/gen/envoy/type/v3/percent_pb.js';
import { byAddressThenPort } from '../../xds/generate/destinations.js';
import { localClusterName } from '../../xds/generate/names.js';
import type { ProxyContext } from '../../xds/generate/proxy-context.js';
import { defineEdit } from '../../xds/generate/shared.js';
import { inboundRules, resolveCatchAll } from '../core/from-rules.js';
import type { MatchedPolicy } from '../core/match.js';
import type { PolicyPlugin } from '../core/plugin.js';
import { fromEntries, ruleEntries } from '../core/policy-spec.js';
import { resolveTo, serviceDestination } from '../core/to-rules.js';
import { circuitBreakersOf, outlierDetectionOf } from './cluster-settings.js';
import { servicesOfClusters } from './destination-clusters.js';
import { grpcSubsetOf } from './grpc-subset.js';
import type { MeshCircuitBreakerConf } from './schema.js';

/** `cluster` with the conf's settings; settings the conf leaves out stay as they were. */
const withCircuitBreaking = defineEdit('MeshCircuitBreaker', ClusterSchema, (copy, { conf }: { conf: MeshCircuitBreakerConf }) => {
  if (conf.connectionLimits) copy.circuitBreakers = circuitBreakersOf(conf.connectionLimits);
  const outlier = conf.outlierDetection;
  if (!outlier) return;
  const detection = outlierDetectionOf(outlier);
  if (detection) copy.outlierDetection = detection;
  else delete copy.outlierDetection;
  if (outlier.disabled !== true && outlier.healthyPanicThreshold !== undefined) {
    // The copy is deep, so its common_lb_config (set by an earlier plugin, perhaps) is ours to change.
    copy.commonLbConfig ??= create(Cluster_CommonLbConfigSchema);
    copy.commonLbConfig.healthyPanicThreshold = create(PercentSchema, { value: Number(outlier.healthyPanicThreshold) });
  }
});

/** The conf each destination cluster (the service's own, and its subset clusters) gets, by cluster name. */
function outboundConfs(proxy: ProxyContext, matched: readonly MatchedPolicy[], clusters: readonly Cluster[]): Map<string, MeshCircuitBreakerConf> {
  const byService = new Map<string, MeshCircuitBreakerConf | undefined>();
  for (const service of proxy.destinations.keys())
    byService.set(service, resolveTo(matched, serviceDestination(proxy, service)).conf as MeshCircuitBreakerConf | undefined);
  const confs = new Map<string, MeshCircuitBreakerConf>();
  for (const [cluster, service] of servicesOfClusters(clusters.map((c) => c.name), byService.keys())) {
    const conf = byService.get(service);
    if (conf) confs.set(cluster, conf);
  }
  return confs;
}

/** The conf each local cluster gets; a cluster shared by inbounds takes the first inbound's (in address, port order, as the generator does). */
function inboundConfs(proxy: ProxyContext, matched: readonly MatchedPolicy[]): Map<string, MeshCircuitBreakerConf> {
  const confs = new Map<string, MeshCircuitBreakerConf>();
  const ordered = proxy.inbounds.map((inbound, position) => ({ inbound, position })).sort((a, b) => byAddressThenPort(a.inbound, b.inbound));
  for (const { inbound, position } of ordered) {
    const name = localClusterName(inbound.servicePort);
    if (confs.has(name)) continue;
    const conf = resolveCatchAll(inboundRules(matched, position, { fromAsRules: true })) as MeshCircuitBreakerConf | undefined;
    if (conf) confs.set(name, conf);
  }
  return confs;
}

const hasInboundSections = (matched: readonly MatchedPolicy[]): boolean =>
  matched.some(({ policy, inbounds }) => inbounds.length > 0 && (fromEntries(policy).length > 0 || ruleEntries(policy).length > 0));

export const meshCircuitBreakerPlugin = {
  kind: 'MeshCircuitBreaker',
  apply(resources, { proxy, matched, warn }) {
    const grpc = proxy.flavour === 'grpc';
    const confs = outboundConfs(proxy, matched, resources.clusters);
    if (!grpc) for (const [name, conf] of inboundConfs(proxy, matched)) confs.set(name, conf);
    else if (hasInboundSections(matched)) warn('from and rules not applied: a proxyless gRPC server has no local cluster to limit');

    const dropped = new Set<string>();
    const clusters = resources.clusters.map((cluster) => {
      const conf = confs.get(cluster.name);
      if (!conf) return cluster;
      if (!grpc) return withCircuitBreaking(cluster, { conf });
      const subset = grpcSubsetOf(conf);
      subset.dropped.forEach((field) => dropped.add(field));
      return subset.conf ? withCircuitBreaking(cluster, { conf: subset.conf }) : cluster;
    });
    if (dropped.size > 0) {
      const honoured = 'connectionLimits.maxRequests and the successRate and failurePercentage detectors';
      warn(`${[...dropped].join(', ')} not applied: proxyless gRPC honours only ${honoured}`);
    }
    return { ...resources, clusters };
  },
} satisfies PolicyPlugin<'MeshCircuitBreaker'>;
