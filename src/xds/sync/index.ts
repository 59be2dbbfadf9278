/** Public surface of the bridge between the mesh engine and the xDS server. */
export { SnapshotPublisher, type PublishObserver } from './snapshot-publisher.js';
export {
  ConsistencyGate,
  type ConsistencyGateLog,
  type ConsistencyGateOptions,
  type HeldConfiguration,
} from './consistency-gate.js';
export { DataplaneLifecycle, type DataplaneLifecycleOptions } from './dataplane-lifecycle.js';
export { WorkloadIdentities, type CertificateInsight, type WorkloadIdentitiesOptions } from './workload-identities.js';
export { LeaseKeeper, type LeaseKeeperOptions } from './lease-keeper.js';
export { InsightRecorder, type InsightRecorderOptions } from './insight-recorder.js';
export { insightMetadataOf, subscriptionOf } from './insight-subscription.js';
export { SubscriptionFinalizer, type SubscriptionFinalizerOptions } from './subscription-finalizer.js';
