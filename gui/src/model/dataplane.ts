/** What a page needs to know of a dataplane, read off its overview. */
import type { Schemas } from '../api/client';
import type { Status } from '../components/StatusBadge';

export type DataplaneOverview = Schemas['DataplaneOverview'];
export type Subscription = Schemas['DiscoverySubscription'];

/** The newest xDS subscription (the live one when connected). */
export const latestSubscription = (dp: DataplaneOverview): Subscription | undefined =>
  dp.dataplaneInsight?.subscriptions?.at(-1);

export const isConnected = (dp: DataplaneOverview): boolean => dp.dataplaneInsight?.connected === true;

/** Kuma's rule: offline without a stream; degraded when connected with an inbound not ready. */
export function dataplaneStatus(dp: DataplaneOverview): Status {
  if (!isConnected(dp)) return 'offline';
  const inbounds = dp.dataplane.networking?.inbound ?? [];
  const ready = inbounds.filter((i) => i.health?.ready !== false).length;
  if (inbounds.length > 0 && ready === 0) return 'offline';
  return ready < inbounds.length ? 'partially_degraded' : 'online';
}

/** The services a dataplane serves (its inbounds' `kuma.io/service` tags), gateway included. */
export function servicesOf(dp: DataplaneOverview): string[] {
  const networking = dp.dataplane.networking;
  const tags = [...(networking?.inbound ?? []).map((i) => i.tags), networking?.gateway?.tags];
  return [...new Set(tags.flatMap((t) => (t?.['kuma.io/service'] === undefined ? [] : [t['kuma.io/service']])))];
}
