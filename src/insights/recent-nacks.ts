/**
 * The most recent NACKs across proxies, from the per-type `lastNack` every
 * subscription of a DataplaneInsight keeps (dataplane-insight.ts): what
 * `GET /_nacks` answers. Each subscription's newest NACK per type counts once.
 */
import type { Resource } from '../api/index.js';
import type { DataplaneInsightSpec, TypeSubscriptionStatus } from './dataplane-insight.js';

export interface RecentNack {
  readonly mesh: string;
  readonly name: string;
  /** The resource type rejected: cds, eds, lds, rds, sds. */
  readonly type: string;
  readonly time: string;
  readonly version: string;
  readonly error: string;
  /** The control-plane instance that held the stream. */
  readonly instance: string;
}

/** The newest `limit` NACKs of `insights`, newest first. */
export function recentNacks(insights: Iterable<Resource>, limit: number): RecentNack[] {
  const found: RecentNack[] = [];
  for (const record of insights) {
    for (const subscription of (record.spec as DataplaneInsightSpec).subscriptions ?? []) {
      for (const [type, value] of Object.entries(subscription.status ?? {})) {
        const nack = (value as TypeSubscriptionStatus | undefined)?.lastNack;
        if (type === 'total' || typeof value !== 'object' || nack === undefined) continue;
        found.push({
          mesh: record.mesh,
          name: record.name,
          type,
          time: nack.time,
          version: nack.version,
          error: nack.error,
          instance: subscription.controlPlaneInstanceId,
        });
      }
    }
  }
  const at = (nack: RecentNack) => Date.parse(nack.time) || 0;
  return found.sort((a, b) => at(b) - at(a)).slice(0, limit);
}
