/**
 * A dataplane's xDS connection as people read it: the stream it holds now,
 * the older ones, and per resource type what was sent, what was ACKed and
 * the last NACK, flagged when that NACK is newer than the type's last ACK
 * (the proxy runs an older configuration than the one it was sent).
 */
import type { Schemas } from '../api/client';

export type Subscription = Schemas['DiscoverySubscription'];
type TypeStatus = NonNullable<Subscription['status'][string]>;

/** The types a proxy subscribes to, in the order xDS delivers them. */
export const XDS_TYPES = ['cds', 'eds', 'lds', 'rds', 'sds'] as const;
export type XdsType = (typeof XDS_TYPES)[number];

export interface TypeRow {
  readonly type: XdsType;
  readonly sentVersion?: string;
  readonly ackedVersion?: string;
  readonly lastSentTime?: string;
  readonly lastAckTime?: string;
  readonly sent: number;
  readonly acked: number;
  readonly rejected: number;
  readonly lastNack?: { readonly version: string; readonly error: string; readonly time: string };
  /** The last NACK came after the last ACK of this type: the proxy refused what it runs now. */
  readonly nackIsNewest: boolean;
}

const count = (value: string | undefined): number => (value === undefined ? 0 : Number(value) || 0);
const instant = (time: string | undefined): number => (time === undefined ? Number.NaN : Date.parse(time));

/** Whether a NACK at `nackTime` is newer than the last ACK at `ackTime` (none counts as older). */
export function nackIsNewer(nackTime: string | undefined, ackTime: string | undefined): boolean {
  const nack = instant(nackTime);
  if (Number.isNaN(nack)) return false;
  const ack = instant(ackTime);
  return Number.isNaN(ack) || nack > ack;
}

/** One row per type the subscription has any status for, in XDS_TYPES order. */
export function typeRows(subscription: Subscription): TypeRow[] {
  return XDS_TYPES.flatMap((type) => {
    const status = subscription.status[type] as TypeStatus | undefined;
    if (status === undefined) return [];
    return [
      {
        type,
        ...(status.sentVersion === undefined ? {} : { sentVersion: status.sentVersion }),
        ...(status.ackedVersion === undefined ? {} : { ackedVersion: status.ackedVersion }),
        ...(status.lastSentTime === undefined ? {} : { lastSentTime: status.lastSentTime }),
        ...(status.lastAckTime === undefined ? {} : { lastAckTime: status.lastAckTime }),
        sent: count(status.responsesSent),
        acked: count(status.responsesAcknowledged),
        rejected: count(status.responsesRejected),
        ...(status.lastNack === undefined ? {} : { lastNack: status.lastNack }),
        nackIsNewest: nackIsNewer(status.lastNack?.time, status.lastAckTime),
      },
    ];
  });
}

/** The rows whose NACK is the type's newest answer: what the page alerts about. */
export const outstandingNacks = (rows: readonly TypeRow[]): TypeRow[] => rows.filter((row) => row.nackIsNewest);

/** The newest subscription and the older ones, newest first (the API lists them oldest first). */
export function splitSubscriptions(subscriptions: readonly Subscription[] | undefined): {
  current?: Subscription;
  history: Subscription[];
} {
  const all = [...(subscriptions ?? [])];
  const current = all.pop();
  return current === undefined ? { history: [] } : { current, history: all.reverse() };
}

/** The agent's and Envoy's releases a subscription's proxy reported (none for proxyless gRPC). */
export function versionsOf(subscription: Subscription): { agent?: string; envoy?: string } {
  const version = subscription.version as { kumaDp?: { version?: unknown }; envoy?: { version?: unknown } } | undefined;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const agent = text(version?.kumaDp?.version);
  const envoy = text(version?.envoy?.version);
  return { ...(agent === undefined ? {} : { agent }), ...(envoy === undefined ? {} : { envoy }) };
}

/** What the agent last reported about its Envoy, when it is restarting it: the reason, else undefined. */
export function envoyRestartReason(insight: unknown): string | undefined {
  const envoy = (insight as { envoy?: { state?: unknown; reason?: unknown } } | undefined)?.envoy;
  return envoy?.state === 'restarting' ? String(envoy.reason ?? '') : undefined;
}

/** A span of time in its largest whole unit and the next, e.g. 3 days 4 hours: [[3, 'day'], [4, 'hour']]. */
export function spanParts(ms: number): [number, Intl.RelativeTimeFormatUnit][] {
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1_000],
  ];
  let rest = Math.abs(ms);
  const parts: [number, Intl.RelativeTimeFormatUnit][] = [];
  for (const [unit, size] of units) {
    const whole = Math.floor(rest / size);
    if (whole > 0 || (parts.length === 0 && unit === 'second')) parts.push([whole, unit]);
    rest -= whole * size;
    if (parts.length === 2 || (parts.length === 1 && whole > 0 && unit === 'second')) break;
  }
  return parts.slice(0, 2);
}

/** `time` relative to `now` in the language's words, e.g. "in 3 days" or "5 minutes ago". */
export function relativeTime(time: string, now: number, language: string): string {
  const at = Date.parse(time);
  if (Number.isNaN(at)) return time;
  const [[value, unit]] = spanParts(at - now) as [[number, Intl.RelativeTimeFormatUnit]];
  return new Intl.RelativeTimeFormat(language, { numeric: 'auto' }).format(at >= now ? value : -value, unit);
}

/** `time` as a local date and time in the language's format. */
export function localTime(time: string, language: string): string {
  const at = Date.parse(time);
  return Number.isNaN(at) ? time : new Date(at).toLocaleString(language);
}
