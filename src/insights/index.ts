/**
 * Public surface of the insights folder: the DataplaneInsight record and how
 * writers merge it, the per-instance index of every mesh's insights fed by
 * the store's change feed, and the documents served from it.
 */
export {
  closeSubscriptions,
  isOnline,
  mergeInsight,
  MAX_SUBSCRIPTIONS,
  type CertificateInsight,
  type DataplaneInsightSpec,
  type DiscoverySubscription,
  type DiscoveryServiceStats,
  type SubscriptionStatus,
  type TypeSubscriptionStatus,
} from './dataplane-insight.js';
export { dataplaneFacts, type DataplaneFacts, type ProxyStatus, type ProxyType } from './dataplane-facts.js';
export { MeshAggregate, type DataplaneStat } from './mesh-aggregate.js';
export { InsightIndex, type InsightIndexOptions, type MeshState } from './insight-index.js';
export {
  globalInsightDocument,
  globalInsightsDocument,
  meshInsightDocument,
  serviceInsightItems,
  type KindFacts,
  type ServiceInsightItem,
} from './insight-documents.js';
export { proxyChanges, type ProxyChange, type ProxyChangeKind } from './proxy-changes.js';
export { recentNacks, type RecentNack } from './recent-nacks.js';
export { proxiesByInstance } from './instance-proxies.js';
