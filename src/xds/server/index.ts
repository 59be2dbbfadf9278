/** Public surface of the xDS server: the cache, the ADS service, the DP server, proxy status. */
export {
  MemorySnapshotCache,
  createSnapshotCache,
  type SnapshotCache,
  type SnapshotSource,
  type SnapshotListener,
} from './snapshot-cache.js';
export {
  ProxyStatusRegistry,
  type ProxyStatus,
  type ProxyStatusSink,
  type StreamInfo,
  type StreamStatusReporter,
  type TypeStatus,
  type XdsProtocol,
} from './proxy-status.js';
export { SotwStream } from './ads-sotw.js';
export { DeltaStream } from './ads-delta.js';
export type { XdsStream, XdsStreamOptions, StreamLog } from './xds-stream.js';
export { createAdsService, adsRoutes, toConnectError, type AdsServiceOptions } from './ads-service.js';
export {
  parseNodeId,
  trustClaimedIdentity,
  nodeIdFormat,
  type IdentifyNode,
  type NodeIdentity,
  type StreamCredential,
} from './node-identity.js';
export { tokenIdentity, type TokenIdentityOptions } from './token-identity.js';
export { defaultStreamLimits, streamLimitFlags, type StreamLimits } from './stream-limits.js';
export type { StreamCounts } from './stream-registry.js';
export {
  startDpServer,
  defaultXdsPort,
  type DpServerOptions,
  type DpServerTls,
  type RunningDpServer,
} from './dp-server.js';
export { bootstrapPath, type BootstrapAnswer, type BootstrapHandler } from './bootstrap-endpoint.js';
export { AdminTunnels, type AdminAnswer, type AdminTunnelsOptions, type EnvoyAdminSource } from './admin-tunnels.js';
export {
  ADMIN_PATHS,
  ADMIN_TUNNEL_PATH,
  refusedAdminRequest,
  type AdminPath,
  type AdminRequest,
  ADMIN_ANSWER_LIMIT_BYTES,
  ADMIN_TUNNEL_CONTENT_TYPE,
  encodeFrame,
  type TunnelFrame,
  TunnelFrameReader,
  adminUrlPath,
} from './admin-tunnel-protocol.js';
export { AgentReports, type AgentReport } from './agent-reports.js';
