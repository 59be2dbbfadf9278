/**
 * What changed for a proxy between two versions of its DataplaneInsight
 * record: it connected (a new open subscription), disconnected (no open one
 * left), or acknowledged or rejected (NACK) a configuration of one resource
 * type on its newest stream. The insight index reports these as the change
 * feed brings each record, whichever instance wrote it, so every instance
 * tells the same story; records written in a batch (the recorder's flush)
 * may fold several ACKs of one type into the last.
 */
import type { DataplaneInsightSpec, DiscoverySubscription, TypeSubscriptionStatus } from './dataplane-insight.js';
import { isOnline } from './dataplane-insight.js';

export type ProxyChangeKind = 'connected' | 'disconnected' | 'ack' | 'nack';

export interface ProxyChange {
  readonly mesh: string;
  readonly name: string;
  readonly change: ProxyChangeKind;
  /** Whether the proxy has an open stream after this change. */
  readonly connected: boolean;
  /** The control-plane instance holding (or, for a disconnection, that held) the stream. */
  readonly instance: string | null;
  /** When it happened, as the record says. */
  readonly time: string;
  /** ack and nack: the resource type (`cds`, `eds`, `lds`, `rds`, `sds`) and the version acknowledged or rejected. */
  readonly type?: string;
  readonly version?: string;
  /** nack: the proxy's error. */
  readonly error?: string;
}

const NOT_TYPES = new Set(['lastUpdateTime', 'total']);

const newest = (insight: DataplaneInsightSpec | undefined): DiscoverySubscription | undefined =>
  insight?.subscriptions?.at(-1);

const same = (a: DiscoverySubscription | undefined, b: DiscoverySubscription | undefined): boolean =>
  a !== undefined && b !== undefined && a.id === b.id && a.controlPlaneInstanceId === b.controlPlaneInstanceId;

/** Per resource type of a subscription, its status. */
function typeStatuses(subscription: DiscoverySubscription | undefined): Map<string, TypeSubscriptionStatus> {
  const types = new Map<string, TypeSubscriptionStatus>();
  for (const [key, value] of Object.entries(subscription?.status ?? {}))
    if (!NOT_TYPES.has(key) && typeof value === 'object' && value !== null) types.set(key, value);
  return types;
}

export function proxyChanges(
  mesh: string,
  name: string,
  before: DataplaneInsightSpec | undefined,
  after: DataplaneInsightSpec | undefined,
): ProxyChange[] {
  const changes: ProxyChange[] = [];
  const wasOnline = isOnline(before);
  const online = isOnline(after);
  const last = newest(after);
  const previous = (before?.subscriptions ?? []).find((s) => same(s, last));
  const base = { mesh, name, connected: online };
  if (last !== undefined && last.disconnectTime === undefined && (previous === undefined || !wasOnline))
    changes.push({ ...base, change: 'connected', instance: last.controlPlaneInstanceId, time: last.connectTime });
  if (last !== undefined) {
    const earlier = typeStatuses(previous);
    for (const [type, status] of typeStatuses(last)) {
      const was = earlier.get(type);
      const instance = last.controlPlaneInstanceId;
      if (status.lastAckTime !== undefined && status.lastAckTime !== was?.lastAckTime)
        changes.push({
          ...base,
          change: 'ack',
          instance,
          time: status.lastAckTime,
          type,
          ...(status.ackedVersion === undefined ? {} : { version: status.ackedVersion }),
        });
      const nack = status.lastNack;
      if (nack !== undefined && nack.time !== was?.lastNack?.time)
        changes.push({
          ...base,
          change: 'nack',
          instance,
          time: nack.time,
          type,
          version: nack.version,
          error: nack.error,
        });
    }
  }
  if (wasOnline && !online) {
    const gone = (before?.subscriptions ?? []).find((s) => s.disconnectTime === undefined);
    const closed = (after?.subscriptions ?? []).find((s) => same(s, gone));
    changes.push({
      ...base,
      change: 'disconnected',
      instance: gone?.controlPlaneInstanceId ?? null,
      time: closed?.disconnectTime ?? new Date().toISOString(),
    });
  }
  return changes;
}
