/**
 * Test helpers: a proxy's configuration built as the control plane builds it,
 * with every policy plugin of the catalogue in order (cp/catalogue.ts) and
 * the context taken as complete (mTLS already in it, as golden inputs have
 * it). Not imported by production code.
 */
import { policyPlugins } from '../../cp/catalogue.js';
import type { ProxyContext } from '../generate/index.js';
import type { EncodedResource } from '../snapshot.js';
import { ProxyBuild } from './proxy-build.js';
import { buildProxyConfig, type ProxyConfig } from './proxy-config.js';
import type { ProxySecurity } from './proxy-security.js';

/** The configuration of one proxy: base resources, then every policy plugin in order. */
export const generateProxyConfig = (ctx: ProxyContext): ProxyConfig => buildProxyConfig(ctx, policyPlugins);

/** The resources of one proxy (generateProxyConfig without the warnings). */
export const generateProxyResources = (ctx: ProxyContext): EncodedResource[] => generateProxyConfig(ctx).resources;

/** The build the control plane makes, with every plugin; without `security` no mesh has mTLS. */
export const controlPlaneBuild = (security?: ProxySecurity): ProxyBuild =>
  new ProxyBuild({ plugins: policyPlugins, ...(security ? { security } : {}) });
