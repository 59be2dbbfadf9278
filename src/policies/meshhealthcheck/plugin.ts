/**
 * The MeshHealthCheck plugin: active health checking of the destinations a
 * proxy's `to[]` entries cover.
 *
 *   conf ─► cluster <service> and its subset clusters: health_checks[0] (health-check.ts)
 *        └► common_lb_config: healthy_panic_threshold, and fail_traffic_on_panic
 *           (zone-aware config, where Envoy keeps that switch)
 *
 * Proxyless gRPC clients do no active health checking (there is no
 * `health_checks` in grpc-js-xds): the policy changes nothing for them and
 * says so.
 */
import { create } from '@bufbuild/protobuf';
import {
  ClusterSchema,
  Cluster_CommonLbConfigSchema,
  Cluster_CommonLbConfig_ZoneAwareLbConfigSchema,
} from '../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { PercentSchema } from '../../xds/envoy/gen/envoy/type/v3/percent_pb.js';
import { type ClusterOrigin, defineEdit, destinationServiceOf } from '../../xds/generate/index.js';
import type { Protocol } from '../../xds/generate/index.js';
import { type PolicyPlugin, resolveTo, serviceDestination } from '../core/index.js';
import { healthCheckOf } from './health-check.js';
import type { MeshHealthCheckConf } from './schema.js';

/** Whether the conf changes anything on a cluster of this protocol. */
const checksAnything = (conf: MeshHealthCheckConf, protocol: Protocol): boolean =>
  healthCheckOf(conf, protocol) !== undefined ||
  conf.healthyPanicThreshold !== undefined ||
  conf.failTrafficOnPanic !== undefined;

const withHealthCheck = defineEdit(
  'MeshHealthCheck',
  ClusterSchema,
  (copy, { conf, protocol }: { conf: MeshHealthCheckConf; protocol: Protocol }) => {
    const check = healthCheckOf(conf, protocol);
    const panic = conf.healthyPanicThreshold;
    if (check) copy.healthChecks = [check];
    if (panic === undefined && conf.failTrafficOnPanic === undefined) return;
    copy.commonLbConfig ??= create(Cluster_CommonLbConfigSchema);
    if (panic !== undefined)
      copy.commonLbConfig.healthyPanicThreshold = create(PercentSchema, { value: Number(panic) });
    // Locality-weighted balancing (MeshLoadBalancingStrategy affinity) has no such switch, and is kept (plugin below).
    if (
      conf.failTrafficOnPanic !== undefined &&
      copy.commonLbConfig.localityConfigSpecifier.case !== 'localityWeightedLbConfig'
    ) {
      copy.commonLbConfig.localityConfigSpecifier = {
        case: 'zoneAwareLbConfig',
        value: create(Cluster_CommonLbConfig_ZoneAwareLbConfigSchema, { failTrafficOnPanic: conf.failTrafficOnPanic }),
      };
    }
  },
);

export const meshHealthCheckPlugin = {
  kind: 'MeshHealthCheck',
  apply(resources, { proxy, matched, warn }) {
    const byService = new Map<string, { conf: MeshHealthCheckConf; protocol: Protocol }>();
    for (const [service, destination] of proxy.destinations) {
      const conf = resolveTo(matched, serviceDestination(proxy, service)).conf as MeshHealthCheckConf | undefined;
      if (conf) byService.set(service, { conf, protocol: destination.protocol });
    }
    // A destination's own cluster and its subset clusters are checked alike.
    const checkOf = (origin: ClusterOrigin) => {
      const service = destinationServiceOf(origin);
      return service === undefined ? undefined : byService.get(service);
    };
    if (!resources.entries('clusters').some(({ origin }) => checkOf(origin) !== undefined)) return resources;
    if (proxy.flavour === 'grpc') {
      warn('not applied: proxyless gRPC clients do no active health checking');
      return resources;
    }
    return resources.map('clusters', (cluster, origin) => {
      const found = checkOf(origin);
      if (!found) return cluster;
      if (
        found.conf.failTrafficOnPanic !== undefined &&
        cluster.commonLbConfig?.localityConfigSpecifier.case === 'localityWeightedLbConfig'
      )
        warn(
          `failTrafficOnPanic not applied to ${cluster.name}: it balances by locality weight (MeshLoadBalancingStrategy affinityTags), which has no such switch`,
        );
      return checksAnything(found.conf, found.protocol) ? withHealthCheck(cluster, found) : cluster;
    });
  },
} satisfies PolicyPlugin<'MeshHealthCheck'>;
