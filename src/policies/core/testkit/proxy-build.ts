/**
 * Where the kit gets the proxy build: a proxy context in, its configuration
 * (every resource encoded, plus the warnings) out, and the encoding of a
 * plugin's output on its own. Every other module of the kit, and every policy
 * test, takes these from here.
 */
export { encodeProxyResources, type ProxyConfig } from '../../../xds/build/index.js';
export { generateProxyConfig } from '../../../xds/build/testing.js';
