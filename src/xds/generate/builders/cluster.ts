/**
 * Clusters: an EDS cluster whose endpoints come over ADS as a
 * ClusterLoadAssignment of the same name, and STATIC and STRICT_DNS clusters
 * with their one endpoint inline. Any of them may speak HTTP/2 upstream, set
 * through the typed `HttpProtocolOptions` extension (the cluster-level http2
 * fields are deprecated).
 */
import { create } from '@bufbuild/protobuf';
import { anyPack, durationFromMs, type Any, type Duration } from '@bufbuild/protobuf/wkt';
import {
  Cluster_DiscoveryType,
  Cluster_LbPolicy,
  ClusterSchema,
  type Cluster,
} from '../../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { HttpProtocolOptionsSchema } from '../../envoy/gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js';
import { adsConfigSource } from './address.js';
import { buildClusterLoadAssignment } from './load-assignment.js';

export const HTTP_PROTOCOL_OPTIONS_KEY = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

export interface ClusterOptions {
  /** Speak HTTP/2 (prior knowledge) to the upstream. */
  readonly http2?: boolean;
  /** Unset leaves Envoy's default (5 s). */
  readonly connectTimeoutMs?: number;
}

const connectTimeout = (options: ClusterOptions): Duration | undefined =>
  options.connectTimeoutMs === undefined ? undefined : durationFromMs(options.connectTimeoutMs);

/** `typed_extension_protocol_options` for HTTP/2 upstream, or none. */
function protocolOptions(options: ClusterOptions): Record<string, Any> {
  if (!options.http2) return {};
  const http2 = create(HttpProtocolOptionsSchema, {
    upstreamProtocolOptions: {
      case: 'explicitHttpConfig',
      value: { protocolConfig: { case: 'http2ProtocolOptions', value: {} } },
    },
  });
  return { [HTTP_PROTOCOL_OPTIONS_KEY]: anyPack(HttpProtocolOptionsSchema, http2) };
}

/** A round-robin EDS cluster; its ClusterLoadAssignment is named like the cluster. */
export function buildEdsCluster(name: string, options: ClusterOptions = {}): Cluster {
  const timeout = connectTimeout(options);
  return create(ClusterSchema, {
    name,
    clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.EDS },
    ...(timeout ? { connectTimeout: timeout } : {}),
    edsClusterConfig: { edsConfig: adsConfigSource() },
    lbPolicy: Cluster_LbPolicy.ROUND_ROBIN,
    typedExtensionProtocolOptions: protocolOptions(options),
  });
}

function singleEndpointCluster(
  type: Cluster_DiscoveryType,
  name: string,
  address: string,
  port: number,
  options: ClusterOptions,
): Cluster {
  const timeout = connectTimeout(options);
  return create(ClusterSchema, {
    name,
    clusterDiscoveryType: { case: 'type', value: type },
    ...(timeout ? { connectTimeout: timeout } : {}),
    lbPolicy: Cluster_LbPolicy.ROUND_ROBIN,
    loadAssignment: buildClusterLoadAssignment(name, [{ zone: '', weight: 1, endpoints: [{ address, port }] }]),
    typedExtensionProtocolOptions: protocolOptions(options),
  });
}

/** A STATIC cluster with one endpoint, which must be an IP address. */
export function buildStaticCluster(name: string, address: string, port: number, options: ClusterOptions = {}): Cluster {
  return singleEndpointCluster(Cluster_DiscoveryType.STATIC, name, address, port, options);
}

/** A STRICT_DNS cluster: one host name, resolved by Envoy, every address it resolves to used. */
export function buildStrictDnsCluster(name: string, host: string, port: number, options: ClusterOptions = {}): Cluster {
  return singleEndpointCluster(Cluster_DiscoveryType.STRICT_DNS, name, host, port, options);
}
