/**
 * Which instances hold a subscription still open in a DataplaneInsight
 * record's spec (Kuma's shape: `subscriptions[]` with `controlPlaneInstanceId`
 * and, once closed, `disconnectTime`). The memory store reads records with
 * it; the SQL store asks the same of the JSON in its query (sql-leases.ts).
 */
export function openSubscriptionInstances(spec: unknown): string[] {
  const subscriptions = (spec as { subscriptions?: unknown } | undefined)?.subscriptions;
  if (!Array.isArray(subscriptions)) return [];
  const ids = new Set<string>();
  for (const subscription of subscriptions as unknown[]) {
    const { controlPlaneInstanceId: id, disconnectTime } = (subscription ?? {}) as Record<string, unknown>;
    if (typeof id === 'string' && disconnectTime === undefined) ids.add(id);
  }
  return [...ids];
}
