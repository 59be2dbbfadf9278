/**
 * The MeshCircuitBreaker plugin: connection limits and outlier detection on
 * the clusters a proxy sends to.
 *
 *   to[]            ─► cluster <service> of every destination it covers, and its
 *                      subset clusters (traffic splits), found by their origin (xds/generate/origins.ts)
 *   from[] (Mesh), rules[] (catch-all)
 *                   ─► local cluster localhost:<servicePort> of each inbound (Envoy)
 *
 * A cluster is not per client, so on the inbound side only what applies to
 * every client counts: `rules[]` without matches, or `from[]` entries naming
 * the whole mesh (as Kuma does). Proxyless gRPC has no local clusters, and
 * honours only part of the conf (grpc-subset.ts); the rest is a warning.
 */
import { create } from '@bufbuild/protobuf';
import { ClusterSchema, Cluster_CommonLbConfigSchema } from '../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { PercentSchema } from '../../xds/envoy/gen/envoy/type/v3/percent_pb.js';
import { type ClusterOrigin, defineEdit, destinationServiceOf, type LocalOrigin } from '../../xds/generate/index.js';
import type { ProxyContext } from '../../xds/generate/index.js';
import {
  inboundRules,
  resolveCatchAll,
  type MatchedPolicy,
  type PolicyPlugin,
  fromEntries,
  ruleEntries,
  resolveTo,
  serviceDestination,
} from '../core/index.js';
import { circuitBreakersOf, outlierDetectionOf } from './cluster-settings.js';
import { grpcSubsetOf } from './grpc-subset.js';
import type { MeshCircuitBreakerConf } from './schema.js';

/** `cluster` with the conf's settings; settings the conf leaves out stay as they were. */
const withCircuitBreaking = defineEdit(
  'MeshCircuitBreaker',
  ClusterSchema,
  (copy, { conf }: { conf: MeshCircuitBreakerConf }) => {
    if (conf.connectionLimits) copy.circuitBreakers = circuitBreakersOf(conf.connectionLimits);
    const outlier = conf.outlierDetection;
    if (!outlier) return;
    const detection = outlierDetectionOf(outlier);
    if (detection) copy.outlierDetection = detection;
    else delete copy.outlierDetection;
    if (outlier.disabled !== true && outlier.healthyPanicThreshold !== undefined) {
      // The copy is deep, so its common_lb_config (set by an earlier plugin, perhaps) is ours to change.
      copy.commonLbConfig ??= create(Cluster_CommonLbConfigSchema);
      copy.commonLbConfig.healthyPanicThreshold = create(PercentSchema, {
        value: Number(outlier.healthyPanicThreshold),
      });
    }
  },
);

/** The conf `to[]` gives each destination service of the proxy, when some entry covers it. */
function outboundConfs(proxy: ProxyContext, matched: readonly MatchedPolicy[]): Map<string, MeshCircuitBreakerConf> {
  const confs = new Map<string, MeshCircuitBreakerConf>();
  for (const service of proxy.destinations.keys()) {
    const conf = resolveTo(matched, serviceDestination(proxy, service)).conf as MeshCircuitBreakerConf | undefined;
    if (conf) confs.set(service, conf);
  }
  return confs;
}

/** A local cluster's conf: that of the first inbound it serves (in address, port order, as the generator orders them) that has one. */
function localConf(origin: LocalOrigin, matched: readonly MatchedPolicy[]): MeshCircuitBreakerConf | undefined {
  for (const { position } of origin.inbounds) {
    const conf = resolveCatchAll(inboundRules(matched, position, { fromAsRules: true })) as
      MeshCircuitBreakerConf | undefined;
    if (conf) return conf;
  }
  return undefined;
}

const hasInboundSections = (matched: readonly MatchedPolicy[]): boolean =>
  matched.some(
    ({ policy, inbounds }) => inbounds.length > 0 && (fromEntries(policy).length > 0 || ruleEntries(policy).length > 0),
  );

export const meshCircuitBreakerPlugin = {
  kind: 'MeshCircuitBreaker',
  apply(resources, { proxy, matched, warn }) {
    const grpc = proxy.flavour === 'grpc';
    const byService = outboundConfs(proxy, matched);
    if (grpc && hasInboundSections(matched))
      warn('from and rules not applied: a proxyless gRPC server has no local cluster to limit');
    /** The destination's conf for its own and its subset clusters; the inbounds' for a local cluster (Envoy: gRPC has none). */
    const confOf = (origin: ClusterOrigin): MeshCircuitBreakerConf | undefined => {
      if (origin.kind === 'local') return grpc ? undefined : localConf(origin, matched);
      const service = destinationServiceOf(origin);
      return service === undefined ? undefined : byService.get(service);
    };

    const dropped = new Set<string>();
    const edited = resources.map('clusters', (cluster, origin) => {
      const conf = confOf(origin);
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
    return edited;
  },
} satisfies PolicyPlugin<'MeshCircuitBreaker'>;
