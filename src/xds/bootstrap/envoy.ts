/**
 * The Envoy bootstrap: who the proxy is and where its control plane is.
 * Everything else (listeners, clusters, routes, endpoints, secrets) comes
 * over one ADS stream.
 *
 *   node {id: <mesh>.<name>, cluster: <service>}
 *   dynamic_resources: ads_config (gRPC, V3) ─► static cluster ads_cluster (HTTP/2) ─► xdsAddress:xdsPort
 *                                                  └─ TLS when the DP server speaks it (ads-tls.ts)
 *                      lds_config, cds_config: {ads: {}}
 *   admin: 127.0.0.1:adminPort
 *   layered_runtime: a static layer raising Envoy's limit on compiled regex
 *                    size (re2.max_program_size): the caller matchers on
 *                    `x-kuma-tags` (policies/core/callers.ts) pass the default
 *                    of 100 with a few tags (Envoy still logs above 1000)
 *
 * Rendered as YAML with proto field names (snake_case), as Envoy's own docs
 * and Kuma's bootstrap write it; Envoy reads either spelling.
 */
import { create, createRegistry, toJson, type JsonObject } from '@bufbuild/protobuf';
import { isIP } from 'node:net';
import { stringify } from 'yaml';
import { BootstrapSchema, type Bootstrap } from '../envoy/gen/envoy/config/bootstrap/v3/bootstrap_pb.js';
import { ApiConfigSource_ApiType, ApiVersion } from '../envoy/gen/envoy/config/core/v3/config_source_pb.js';
import { UpstreamTlsContextSchema } from '../envoy/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import {
  adsConfigSource,
  buildStaticCluster,
  buildStrictDnsCluster,
  generatedTypesRegistry,
  socketAddress,
  typeFirst,
} from '../generate/index.js';
import { adsTransportSocket } from './ads-tls.js';

export const ADS_CLUSTER_NAME = 'ads_cluster';

export interface EnvoyBootstrapOptions {
  /** `<mesh>.<dataplane name>` (`nodeIdOf`). */
  readonly nodeId: string;
  /** `node.cluster`: the proxy's service. */
  readonly cluster: string;
  /** The control plane's DP server: an IP address or a host name Envoy resolves. */
  readonly xdsAddress: string;
  readonly xdsPort: number;
  readonly adminPort: number;
  /** Defaults to 127.0.0.1: the admin API must not be reachable from elsewhere. */
  readonly adminAddress?: string;
  /** Delta xDS (`DELTA_GRPC`) instead of state of the world (`GRPC`). */
  readonly delta?: boolean;
  /** `node.metadata`. */
  readonly metadata?: JsonObject;
  /** gRPC metadata Envoy sends when it opens the ADS stream (e.g. `authorization`), sent in key order. */
  readonly initialMetadata?: Readonly<Record<string, string>>;
  /** `node.locality`. */
  readonly locality?: { readonly region?: string; readonly zone?: string; readonly subZone?: string };
  /** Connect to the DP server over TLS, trusting this CA (PEM) and checking that the certificate names `xdsAddress`. */
  readonly adsTls?: { readonly caPem: string };
}

/** Every type packed in a bootstrap's `Any`s, to print it: the generators' types and the ADS cluster's TLS context. */
export const bootstrapTypesRegistry = createRegistry(generatedTypesRegistry, UpstreamTlsContextSchema);

/** Connect timeout to the control plane, as Kuma's bootstrap sets it. */
const ADS_CONNECT_TIMEOUT_MS = 1000;

export function envoyBootstrap(options: EnvoyBootstrapOptions): Bootstrap {
  const adsCluster = (isIP(options.xdsAddress) ? buildStaticCluster : buildStrictDnsCluster)(
    ADS_CLUSTER_NAME,
    options.xdsAddress,
    options.xdsPort,
    { http2: true, connectTimeoutMs: ADS_CONNECT_TIMEOUT_MS },
  );
  if (options.adsTls)
    adsCluster.transportSocket = adsTransportSocket({ caPem: options.adsTls.caPem, serverName: options.xdsAddress });
  const initialMetadata = Object.entries(options.initialMetadata ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value }));
  const { region = '', zone = '', subZone = '' } = options.locality ?? {};
  return create(BootstrapSchema, {
    node: {
      id: options.nodeId,
      cluster: options.cluster,
      ...(options.metadata ? { metadata: options.metadata } : {}),
      ...(options.locality ? { locality: { region, zone, subZone } } : {}),
    },
    dynamicResources: {
      adsConfig: {
        apiType: options.delta ? ApiConfigSource_ApiType.DELTA_GRPC : ApiConfigSource_ApiType.GRPC,
        transportApiVersion: ApiVersion.V3,
        grpcServices: [
          { targetSpecifier: { case: 'envoyGrpc', value: { clusterName: ADS_CLUSTER_NAME } }, initialMetadata },
        ],
        // The node is sent once per stream; the xDS spec requires servers to remember it.
        setNodeOnFirstMessageOnly: true,
      },
      ldsConfig: adsConfigSource(),
      cdsConfig: adsConfigSource(),
    },
    staticResources: { clusters: [adsCluster] },
    admin: { address: socketAddress(options.adminAddress ?? '127.0.0.1', options.adminPort) },
    layeredRuntime: {
      layers: [{ name: RUNTIME_LAYER_NAME, layerSpecifier: { case: 'staticLayer', value: STATIC_RUNTIME } }],
    },
  });
}

const RUNTIME_LAYER_NAME = 'koguma';
/** Envoy rejects a regex whose compiled program exceeds the error level (default 100); config built from user tags must not depend on their length. */
const STATIC_RUNTIME = { 're2.max_program_size.error_level': 4294967295, 're2.max_program_size.warn_level': 1000 };

/** The bootstrap as Envoy's YAML config file (`envoy -c`). */
export function envoyBootstrapYaml(bootstrap: Bootstrap): string {
  const json = toJson(BootstrapSchema, bootstrap, { registry: bootstrapTypesRegistry, useProtoFieldName: true });
  return stringify(typeFirst(json), { lineWidth: 0 });
}
