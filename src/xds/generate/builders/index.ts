/**
 * Envoy builders: small pure functions that make listeners, filters, clusters
 * and routes. They speak Envoy only; what a Kuma resource or a policy means is
 * decided by their callers (STYLE.md rule 7).
 */
export { adsConfigSource, socketAddress } from './address.js';
export { buildEdsCluster, buildStaticCluster, buildStrictDnsCluster, HTTP_PROTOCOL_OPTIONS_KEY, type ClusterOptions } from './cluster.js';
export { buildFilterChain, networkFilter, type FilterChainOptions } from './filter-chain.js';
export {
  buildHttpConnectionManager,
  httpConnectionManagerFilter,
  HTTP_CONNECTION_MANAGER_NAME,
  type HttpConnectionManagerInput,
  type RouteSource,
} from './http-connection-manager.js';
export { buildApiListener, buildListener, TrafficDirection, type ListenerInput } from './listener.js';
export { buildClusterLoadAssignment, type EndpointInput, type LocalityInput } from './load-assignment.js';
export { typedConfigRegistry } from './registry.js';
export { buildRouteConfiguration } from './route-config.js';
export { ROUTER_FILTER_NAME, routerFilter } from './router.js';
export { buildTcpProxy, TCP_PROXY_NAME, tcpProxyFilter } from './tcp-proxy.js';
export { buildVirtualHost, nonForwardingRoute, routeToCluster } from './virtual-host.js';
export {
  buildIdentitySecret,
  buildTrustSecret,
  envoyDownstreamTls,
  envoyUpstreamTls,
  grpcDownstreamTls,
  grpcUpstreamTls,
  tlsInspectorFilter,
  TLS_INSPECTOR_NAME,
  TLS_TRANSPORT_SOCKET_NAME,
  type SanMatch,
  type SdsTlsInput,
} from './tls.js';
export {
  allOfPrincipals,
  anyOfPrincipals,
  anyPermission,
  anyPrincipal,
  authenticatedPrincipal,
  buildHttpRbacFilter,
  buildNetworkRbacFilter,
  buildRbac,
  buildRbacPolicy,
  HTTP_RBAC_FILTER_NAME,
  NETWORK_RBAC_FILTER_NAME,
  notPrincipal,
  RBAC_Action,
} from './rbac.js';
