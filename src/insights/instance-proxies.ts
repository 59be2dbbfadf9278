/**
 * How many proxies each control-plane instance holds, from the open
 * subscriptions of the DataplaneInsight records (`GET /_instances`).
 */
import type { Resource } from '../api/index.js';
import type { DataplaneInsightSpec } from './dataplane-insight.js';

/** How many proxies each control-plane instance holds an open stream of. */
export function proxiesByInstance(insights: Iterable<Resource>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of insights) {
    const open = new Set<string>();
    for (const subscription of (record.spec as DataplaneInsightSpec).subscriptions ?? [])
      if (subscription.disconnectTime === undefined) open.add(subscription.controlPlaneInstanceId);
    for (const instance of open) counts.set(instance, (counts.get(instance) ?? 0) + 1);
  }
  return counts;
}
