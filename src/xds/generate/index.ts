/**
 * Base generators: a proxy's context in, its xDS resources out, as messages.
 * Pure: identical contexts give identical messages. What happens to them next
 * (policy plugins, encoding) is the proxy build's (xds/build).
 *
 *   ProxyContext ─► generateEnvoyResources | generateGrpcResources ─► ProxyResources
 */
export { generateEnvoyResources } from './envoy.js';
export { generateGrpcResources } from './grpc.js';
export * from './builders/index.js';
export { byAddressThenPort, byString, isHttpProtocol, localitiesOf, sortedTags } from './destinations.js';
export { generatedTypesRegistry, resourceJson, typeFirst } from './json.js';
export * from './names.js';
export { ProxyResources, type Entry, type ResourceType } from './resources.js';
export * from './origins.js';
export * from './by-origin.js';
export { defineEdit, encodeOnce, onePerObject, onePerObjectPair, type Edit } from './shared.js';
export type * from './proxy-context.js';
export { TAGS_HEADER, tagsHeaderRegex } from './tags-header.js';
export type { RbacRules } from './builders/rbac.js';
