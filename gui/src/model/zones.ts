/** Whether a zone or zone proxy is connected, from its insight's subscriptions. */
import type { Status } from '../components/StatusBadge';

interface Subscription {
  readonly connectTime?: string;
  readonly disconnectTime?: string;
}

/** Online while its newest subscription has no disconnect time; offline after, and when it never connected. */
export function subscriptionState(subscriptions: readonly Subscription[] | undefined): Status {
  const latest = subscriptions?.at(-1);
  return latest !== undefined && latest.disconnectTime === undefined ? 'online' : 'offline';
}
