/**
 * Envoy builders: small pure functions that make listeners, filters, clusters
 * and routes. They speak Envoy only; what a Kuma resource or a policy means is
 * decided by their callers (STYLE.md rule 7).
 */
export { adsConfigSource, socketAddress } from './address.js';
export {
  buildEdsCluster,
  buildStaticCluster,
  buildStrictDnsCluster,
  HTTP_PROTOCOL_OPTIONS_KEY,
  type ClusterOptions,
} from './cluster.js';
export { buildFilterChain, networkFilter, type FilterChainOptions } from './filter-chain.js';
export {
  buildHttpConnectionManager,
  httpConnectionManagerFilter,
  HTTP_CONNECTION_MANAGER_NAME,
  type HttpConnectionManagerInput,
  type RouteSource,
} from './http-connection-manager.js';
export { buildApiListener, buildListener, TrafficDirection, type ListenerInput } from './listener.js';
export {
  buildClusterLoadAssignment,
  LB_METADATA_NAMESPACE,
  type EndpointInput,
  type LocalityInput,
} from './load-assignment.js';
export { buildRouteConfiguration } from './route-config.js';
export {
  buildRouteMatch,
  type HeaderMatchInput,
  type PathMatchInput,
  type QueryParameterMatchInput,
  type RouteMatchInput,
} from './route-match.js';
export {
  applyUrlRewrite,
  buildRedirectAction,
  buildRequestMirrorPolicy,
  type PathRewriteInput,
  type RedirectInput,
} from './route-rewrite.js';
export { routeClusterSpecifier, tcpProxyClusterSpecifier, type WeightedClusterInput } from './weighted-clusters.js';
export { headersToAdd, type HeaderMutationInput } from './header-mutation.js';
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
export { fileAccessLog, FILE_ACCESS_LOG_NAME, type LogFormat } from './file-access-log.js';
export {
  editHttpConnectionManagers,
  editInlineRouteActions,
  editRouteActions,
  editTcpProxies,
} from './network-filter-edits.js';
export {
  buildHeaderMatcher,
  buildRetryPolicy,
  retryBackOffIntervals,
  RetryPolicy_ResetHeaderFormat,
  type RetryPolicyInput,
} from './retry-policy.js';
export {
  durationOfMs,
  setConnectionManagerTimeouts,
  setConnectTimeout,
  setRouteTimeouts,
  setTcpProxyIdleTimeout,
  type ConnectionManagerTimeouts,
  type RouteTimeouts,
} from './timeouts.js';
export {
  buildHttpFault,
  FAULT_FILTER_NAME,
  faultFilterSchemas,
  fractionalPercent,
  httpFaultFilter,
  type FaultInput,
} from './fault.js';
export {
  HTTP_LOCAL_RATE_LIMIT_NAME,
  httpLocalRateLimitFilter,
  isEnvoyStatusCode,
  localRateLimitSchemas,
  NETWORK_LOCAL_RATE_LIMIT_NAME,
  networkLocalRateLimitFilter,
  type HttpLocalRateLimitInput,
  type ResponseHeader,
  type TokenBucketInput,
} from './local-ratelimit.js';
export { buildTlsParameters, setTlsParameters, TlsProtocol, type TlsParamsInput } from './tls-params.js';
export { makeInboundPermissive, makeInboundStrict } from './inbound-tls-mode.js';
export {
  addHttpFiltersBeforeRouter,
  addNetworkFilterBeforeTerminal,
  editChainConnectionManagers,
} from './listener-edits.js';
