/**
 * What a proxy gets for each destination service, built once per
 * DestinationContext object (shared.ts) and shared by every proxy, of either
 * flavour, that consumes the service:
 *
 *   destination ─┬─ ClusterLoadAssignment <service>        both flavours
 *                ├─ RouteConfiguration outbound:<service>  Envoy (http-ish) and gRPC
 *                ├─ Cluster <service>                      per flavour: Envoy sets HTTP/2 options;
 *                │                                         with mTLS, the TLS the flavour speaks
 *                └─ Listener <service> (api_listener)      gRPC only
 *
 * Clusters depend on the mesh's mTLS too, so they are memoized per
 * (destination, tls) pair; `PLAINTEXT` stands for "mTLS off".
 */
import type { Cluster } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import type { ClusterLoadAssignment } from '../envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { Listener } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import type { RouteConfiguration } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import { spiffeId } from '../../mtls/index.js';
import {
  buildApiListener,
  buildClusterLoadAssignment,
  buildEdsCluster,
  envoyUpstreamTls,
  grpcUpstreamTls,
  buildHttpConnectionManager,
  buildRouteConfiguration,
  buildVirtualHost,
  routeToCluster,
} from './builders/index.js';
import { isHttp2Protocol, localitiesOf } from './destinations.js';
import {
  GRPC_CERTIFICATE_PROVIDER,
  identitySecretName,
  outboundRouteName,
  serviceClusterName,
  statName,
  trustSecretName,
} from './names.js';
import type { DestinationContext, MeshTlsContext } from './proxy-context.js';
import { onePerObject, onePerObjectPair } from './shared.js';

/** The memo key standing for "the mesh has no mTLS". */
export const PLAINTEXT = Object.freeze({ plaintext: true as const });
export type TlsKey = MeshTlsContext | typeof PLAINTEXT;
export const tlsKeyOf = (tls: MeshTlsContext | undefined): TlsKey => tls ?? PLAINTEXT;
const meshTlsOf = (key: TlsKey): MeshTlsContext | undefined => ('plaintext' in key ? undefined : key);

/** `<name>` with one virtual host `*` sending everything to `cluster`. */
export function singleClusterRouteConfiguration(name: string, service: string, cluster: string): RouteConfiguration {
  return buildRouteConfiguration(name, [buildVirtualHost(service, ['*'], [routeToCluster(cluster)])]);
}

export const loadAssignmentOf = onePerObject((destination: DestinationContext): ClusterLoadAssignment =>
  buildClusterLoadAssignment(serviceClusterName(destination.service), localitiesOf(destination)),
);

/** The route configuration an outbound HTTP listener (Envoy) or a gRPC client's api_listener names over RDS. */
export const outboundRouteOf = onePerObject((destination: DestinationContext): RouteConfiguration =>
  singleClusterRouteConfiguration(
    outboundRouteName(destination.service),
    destination.service,
    serviceClusterName(destination.service),
  ),
);

export const envoyClusterOf = onePerObjectPair((destination: DestinationContext, key: TlsKey): Cluster => {
  const cluster = buildEdsCluster(serviceClusterName(destination.service), {
    http2: isHttp2Protocol(destination.protocol),
  });
  const tls = meshTlsOf(key);
  if (tls) {
    cluster.transportSocket = envoyUpstreamTls({
      identitySecret: identitySecretName(tls.mesh),
      trustSecret: trustSecretName(tls.mesh),
      peer: { exact: spiffeId(tls.mesh, destination.service) },
      sni: destination.service,
    });
  }
  return cluster;
});

// No HTTP/2 protocol options: gRPC always speaks HTTP/2 and ignores them.
export const grpcClusterOf = onePerObjectPair((destination: DestinationContext, key: TlsKey): Cluster => {
  const cluster = buildEdsCluster(serviceClusterName(destination.service));
  const tls = meshTlsOf(key);
  if (tls)
    cluster.transportSocket = grpcUpstreamTls(GRPC_CERTIFICATE_PROVIDER, {
      exact: spiffeId(tls.mesh, destination.service),
    });
  return cluster;
});

/** The listener a gRPC client resolves for `xds:///<service>`. */
export const grpcApiListenerOf = onePerObject((destination: DestinationContext): Listener =>
  buildApiListener(
    destination.service,
    buildHttpConnectionManager({
      statPrefix: statName(destination.service),
      routes: { rds: outboundRouteName(destination.service) },
    }),
  ),
);
