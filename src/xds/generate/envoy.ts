/**
 * The Envoy sidecar flavour: a proxy's inbounds and outbounds as listeners,
 * clusters, route configurations and endpoints.
 *
 *   inbound  10.0.0.1:8080 ─► listener inbound:10.0.0.1:8080
 *              http/http2/grpc: HCM, inline route config inbound:<service> ─┐  (strips x-kuma-tags)
 *              tcp: tcp_proxy ──────────────────────────────────────────────┴► cluster localhost:<servicePort>
 *                                                                              (STATIC, serviceAddress:servicePort)
 *   outbound 127.0.0.1:10001 ─► listener outbound:127.0.0.1:10001
 *              http-ish: HCM, RDS outbound:<service> ─┐  (sets x-kuma-tags: tags-header.ts)
 *              tcp: tcp_proxy ────────────────────────┴► cluster <service> (EDS over ADS)
 *                                                         └► ClusterLoadAssignment <service>, a locality per zone
 *
 * An inbound's routes are inlined (as Kuma does): they change with the
 * listener, and two inbounds of one service on different ports would
 * otherwise contend for one route name. A local cluster is shared by inbounds
 * with the same service port; the first inbound in (address, port) order
 * decides its address and protocol.
 *
 * With mesh mTLS (ctx.tls), an inbound listener terminates TLS and requires a
 * client certificate of the mesh; in PERMISSIVE mode a TLS inspector sends TLS
 * connections to that chain and plaintext ones to a second chain without TLS.
 * Destination clusters originate mTLS (destination-resources.ts). The
 * certificates travel as two SDS Secrets: the proxy's own, and the roots.
 */
import { spiffeTrustDomain } from '../../mtls/index.js';
import {
  buildFilterChain,
  buildHttpConnectionManager,
  buildIdentitySecret,
  buildListener,
  buildStaticCluster,
  buildTcpProxy,
  buildTrustSecret,
  envoyDownstreamTls,
  headersToAdd,
  httpConnectionManagerFilter,
  tcpProxyFilter,
  tlsInspectorFilter,
  TrafficDirection,
} from './builders/index.js';
import type { FilterChain } from '../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { RouteConfigurationSchema, type RouteConfiguration } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import type { Filter } from '../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import {
  envoyClusterOf,
  loadAssignmentOf,
  outboundRouteOf,
  singleClusterRouteConfiguration,
  tlsKeyOf,
  type TlsKey,
} from './destination-resources.js';
import { byAddressThenPort, destinationOf, destinationsOf, isHttp2Protocol, isHttpProtocol } from './destinations.js';
import {
  identitySecretName,
  inboundListenerName,
  inboundRouteName,
  localClusterName,
  outboundListenerName,
  outboundRouteName,
  serviceClusterName,
  statName,
  trustSecretName,
} from './names.js';
import type {
  DestinationContext,
  IdentityContext,
  InboundContext,
  MeshTlsContext,
  OutboundContext,
  ProxyContext,
} from './proxy-context.js';
import { inboundOriginsOf, type DestinationOrigin, type InboundOrigin } from './origins.js';
import { ResourceCollector, type ProxyResources } from './resources.js';
import { defineEdit, onePerObject, onePerObjectPair } from './shared.js';
import { TAGS_HEADER, tagsHeaderValue } from './tags-header.js';

/**
 * An inbound's filters. Who may call it (RBAC, from MeshTrafficPermission) is
 * not decided here: a policy plugin adds it, in the proxy build (xds/build).
 */
function inboundFilters(inbound: InboundContext, cluster: string): Filter[] {
  if (!isHttpProtocol(inbound.protocol)) return [tcpProxyFilter(buildTcpProxy(statName(cluster), cluster))];
  const routeConfig = singleClusterRouteConfiguration(inboundRouteName(inbound.service), inbound.service, cluster);
  // The caller's tags are for this sidecar's policies (read by its filters and routes before the router strips them), not for the application.
  routeConfig.requestHeadersToRemove.push(TAGS_HEADER);
  return [
    httpConnectionManagerFilter(buildHttpConnectionManager({ statPrefix: statName(cluster), routes: { routeConfig } })),
  ];
}

/**
 * The filter chains of an inbound: plaintext, mTLS only (STRICT), or both told
 * apart by the TLS inspector (PERMISSIVE).
 */
function inboundFilterChains(inbound: InboundContext, cluster: string, tls: MeshTlsContext | undefined): FilterChain[] {
  if (!tls) return [buildFilterChain(inboundFilters(inbound, cluster))];
  const transportSocket = envoyDownstreamTls({
    identitySecret: identitySecretName(tls.mesh),
    trustSecret: trustSecretName(tls.mesh),
    peer: { prefix: `${spiffeTrustDomain(tls.mesh)}/` },
  });
  const secured = inboundFilters(inbound, cluster);
  if (tls.mode === 'STRICT') return [buildFilterChain(secured, { transportSocket })];
  return [
    buildFilterChain(secured, { transportSocket, transportProtocol: 'tls' }),
    buildFilterChain(inboundFilters(inbound, cluster), { transportProtocol: 'raw_buffer' }),
  ];
}

/** An inbound's listener and local cluster; once per (InboundContext, mesh TLS) pair (shared.ts). */
const inboundResourcesOf = onePerObjectPair((inbound: InboundContext, key: TlsKey) => {
  const cluster = localClusterName(inbound.servicePort);
  const tls = 'plaintext' in key ? undefined : key;
  return {
    cluster: buildStaticCluster(cluster, inbound.serviceAddress, inbound.servicePort, {
      http2: isHttp2Protocol(inbound.protocol),
    }),
    listener: buildListener({
      name: inboundListenerName(inbound.address, inbound.port),
      address: inbound.address,
      port: inbound.port,
      direction: TrafficDirection.INBOUND,
      filterChains: inboundFilterChains(inbound, cluster, tls),
      ...(tls?.mode === 'PERMISSIVE' ? { listenerFilters: [tlsInspectorFilter()] } : {}),
    }),
  };
});

/** The mesh's roots as an SDS Secret, once per mesh TLS object. */
const trustSecretOf = onePerObject((tls: MeshTlsContext) =>
  buildTrustSecret(trustSecretName(tls.mesh), tls.trustedRootsPem),
);

/** The proxy's certificate as an SDS Secret, once per certificate. */
const identitySecretOf = onePerObjectPair((identity: IdentityContext, tls: MeshTlsContext) =>
  buildIdentitySecret(identitySecretName(tls.mesh), identity.certChainPem, identity.keyPem),
);

/** An outbound's listener: HCM over RDS for a destination speaking HTTP, tcp_proxy otherwise. */
const outboundListenerOf = onePerObjectPair((outbound: OutboundContext, destination: DestinationContext) => {
  const cluster = serviceClusterName(outbound.service);
  const filter = isHttpProtocol(destination.protocol)
    ? httpConnectionManagerFilter(
        buildHttpConnectionManager({
          statPrefix: statName(cluster),
          routes: { rds: outboundRouteName(outbound.service) },
        }),
      )
    : tcpProxyFilter(buildTcpProxy(statName(cluster), cluster));
  return buildListener({
    name: outboundListenerName(outbound.address, outbound.port),
    address: outbound.address,
    port: outbound.port,
    direction: TrafficDirection.OUTBOUND,
    filterChains: [buildFilterChain([filter])],
  });
});

/** Each inbound's listener, and the local clusters, each shared by the inbounds with its service port. */
function addInbounds(out: ResourceCollector, ctx: ProxyContext, tls: TlsKey): void {
  const origins = inboundOriginsOf(ctx);
  const locals = new Map<number, { readonly kind: 'local'; readonly inbounds: InboundOrigin[] }>();
  for (const origin of origins) {
    const local = locals.get(origin.inbound.servicePort) ?? { kind: 'local', inbounds: [] };
    local.inbounds.push(origin);
    locals.set(origin.inbound.servicePort, local);
  }
  for (const origin of origins) {
    const { cluster, listener } = inboundResourcesOf(origin.inbound, tls);
    out.cluster(cluster, locals.get(origin.inbound.servicePort)!);
    out.listener(listener, origin);
  }
}

/**
 * A destination's route configuration as this sidecar sends it: setting
 * x-kuma-tags to the sidecar's own tags, over whatever the application sent,
 * so the callee's inbound policies can trust it names the caller. A copy per
 * header value (shared.ts): sidecars of one service share it.
 */
function outboundRouteFor(destination: DestinationContext, tagRoutes: TagRoutes | undefined): RouteConfiguration {
  const routes = outboundRouteOf(destination);
  return tagRoutes === undefined ? routes : tagRoutes(routes);
}

type TagRoutes = (routes: RouteConfiguration) => RouteConfiguration;

const withTagsHeader = defineEdit(
  'x-kuma-tags header',
  RouteConfigurationSchema,
  (copy, { tagsHeader }: { tagsHeader: string }) =>
    copy.requestHeadersToAdd.push(...headersToAdd({ set: [{ name: TAGS_HEADER, value: tagsHeader }] })),
);

function addOutbound(
  out: ResourceCollector,
  ctx: ProxyContext,
  outbound: OutboundContext,
  tagRoutes: TagRoutes | undefined,
): void {
  const destination = destinationOf(ctx, outbound.service);
  if (isHttpProtocol(destination.protocol))
    out.routeConfiguration(outboundRouteFor(destination, tagRoutes), {
      kind: 'destination',
      service: destination.service,
    });
  out.listener(outboundListenerOf(outbound, destination), { kind: 'outbound', outbound });
}

export function generateEnvoyResources(ctx: ProxyContext): ProxyResources {
  const out = new ResourceCollector();
  const tls = tlsKeyOf(ctx.tls);
  addInbounds(out, ctx, tls);
  const tagsHeader = tagsHeaderValue(ctx.inbounds.map((inbound) => inbound.tags));
  const tagRoutes = tagsHeader === undefined ? undefined : withTagsHeader.for({ tagsHeader });
  for (const outbound of [...ctx.outbounds].sort(byAddressThenPort)) addOutbound(out, ctx, outbound, tagRoutes);
  for (const destination of destinationsOf(ctx)) {
    const origin: DestinationOrigin = { kind: 'destination', service: destination.service };
    out.cluster(envoyClusterOf(destination, tls), origin);
    out.loadAssignment(loadAssignmentOf(destination), origin);
  }
  addSecrets(out, ctx);
  return out.resources();
}

/** The two SDS Secrets, for Envoy and for `koguma dp run --proxyless`, which writes them to files. */
export function addSecrets(out: ResourceCollector, ctx: ProxyContext): void {
  if (!ctx.tls) return;
  out.secret(trustSecretOf(ctx.tls), { kind: 'trust', mesh: ctx.tls.mesh });
  if (ctx.identity) out.secret(identitySecretOf(ctx.identity, ctx.tls), { kind: 'identity', mesh: ctx.tls.mesh });
}
