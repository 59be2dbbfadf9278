/** Public surface of src/xds: what other folders import from it. */
export {
  DATAPLANE_RESOURCE_METADATA,
  PROXY_FLAVOUR_METADATA,
  CERTIFICATES_STREAM_ROLE,
  STREAM_ROLE_METADATA,
  isCertificatesStream,
  carriedDataplane,
  flavourOf,
  proxyFlavours,
  type ProxyFlavour,
} from './node-metadata.js';
export {
  agentCompatible,
  nodeFeaturesOf,
  nodeVersionOf,
  FEATURES_METADATA,
  MAX_FEATURES,
  MAX_FEATURE_CHARS,
  MAX_VERSION_CHARS,
  VERSION_METADATA,
  type AgentVersion,
  type EnvoyVersion,
  type NodeVersion,
} from './node-version.js';
export { TypeUrl, schemaOfType, shortNameOfType, typeUrls, isTypeUrl } from './resource-types.js';
export type { EncodedResource, Snapshot } from './snapshot.js';
export { encodeResource, buildSnapshot } from './snapshot.js';
export { snapshotProblems } from './snapshot-consistency.js';
