/**
 * Public surface of the proxy build: the only place that knows both the base
 * generators (xds/generate) and the policy plugins (policies/<kind>).
 *
 *   REST ─► store ─► engine / MeshView ─► proxy build ─► snapshot ─► xDS server
 */
export { ProxyBuild, type ProxyBuildOptions } from './proxy-build.js';
export { buildProxyConfig, encodeProxyResources, type ProxyConfig } from './proxy-config.js';
export { applyPolicies, pluginsInOrder } from './policy-plugins.js';
export {
  securedContext,
  workloadTagsOf,
  type IdentitySource,
  type MeshTlsSource,
  type ProxySecurity,
} from './proxy-security.js';
