/**
 * A proxy's DataplaneInsight as Kuma stores it (one record per Dataplane, same
 * mesh and name): the xDS subscriptions, newest last, each from the
 * control-plane instance that held the stream, and the proxy's workload
 * certificate. Counters are decimal strings and zero counters are left out,
 * as Kuma's JSON has them. Koguma adds per type what was sent, acknowledged
 * and last rejected (with the error), since that is what an operator looks for.
 *
 * Several instances write one record over time (the proxy moves between
 * them); `mergeInsight` is how each write combines what it knows with what
 * is stored, and is also how a reader overlays a live stream on it.
 */

export interface DiscoveryServiceStats {
  readonly responsesSent?: string;
  readonly responsesAcknowledged?: string;
  readonly responsesRejected?: string;
}

/** Per resource type: Kuma's counters, and what Koguma adds about versions and the last NACK. */
export interface TypeSubscriptionStatus extends DiscoveryServiceStats {
  readonly sentVersion?: string;
  readonly lastSentTime?: string;
  readonly ackedVersion?: string;
  readonly lastAckTime?: string;
  readonly lastNack?: { readonly version: string; readonly error: string; readonly time: string };
}

export interface SubscriptionStatus {
  readonly lastUpdateTime?: string;
  readonly total?: DiscoveryServiceStats;
  readonly [type: string]: TypeSubscriptionStatus | string | undefined;
}

export interface DiscoverySubscription {
  readonly id: string;
  readonly controlPlaneInstanceId: string;
  readonly connectTime: string;
  readonly disconnectTime?: string;
  readonly status: SubscriptionStatus;
  /** The software the proxy reported when the stream opened (kumaDp, envoy). */
  readonly version?: object;
  readonly generation?: number;
  /** `sotw` or `delta`. */
  readonly protocol?: string;
}

export interface CertificateInsight {
  readonly certificateExpirationTime?: string;
  readonly lastCertificateRegeneration?: string;
  readonly certificateRegenerations?: number;
  readonly issuedBackend?: string;
  readonly supportedBackends?: readonly string[];
}

export interface DataplaneInsightSpec {
  readonly subscriptions?: readonly DiscoverySubscription[];
  readonly mTLS?: CertificateInsight;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Subscriptions a record keeps: enough to see a proxy's recent moves, bounded whatever it does. */
export const MAX_SUBSCRIPTIONS = 5;

/** Kuma's rule: online while some subscription has connected and not disconnected. */
export const isOnline = (insight: DataplaneInsightSpec | undefined): boolean =>
  (insight?.subscriptions ?? []).some((s) => s.connectTime !== undefined && s.disconnectTime === undefined);

const sameSubscription = (a: DiscoverySubscription, b: DiscoverySubscription): boolean =>
  a.id === b.id && a.controlPlaneInstanceId === b.controlPlaneInstanceId;

const byConnectTime = (a: DiscoverySubscription, b: DiscoverySubscription): number =>
  Date.parse(a.connectTime) - Date.parse(b.connectTime);

/**
 * What one instance knows, merged into the stored record: its subscriptions
 * replace their stored copies (by instance and id), new ones are appended,
 * the certificate is its own when it has one, the metadata (the proxy's
 * features) its own when it holds the newest subscription. A proxy holds one xDS stream,
 * so only the newest subscription can be open: an older one still open (its
 * instance died, or has not yet noticed the stream end) is closed at the
 * newer one's connect time. Then only the newest MAX_SUBSCRIPTIONS stay.
 */
export function mergeInsight(
  stored: DataplaneInsightSpec | undefined,
  local: {
    readonly subscriptions: readonly DiscoverySubscription[];
    readonly mTLS?: CertificateInsight;
    readonly metadata?: Readonly<Record<string, unknown>>;
  },
): DataplaneInsightSpec {
  const merged = (stored?.subscriptions ?? []).filter((s) => !local.subscriptions.some((l) => sameSubscription(s, l)));
  merged.push(...local.subscriptions);
  merged.sort(byConnectTime);
  const newest = merged.at(-1);
  const subscriptions = merged.map((s) =>
    s === newest || s.disconnectTime !== undefined ? s : { ...s, disconnectTime: newest!.connectTime },
  );
  const mTLS = local.mTLS ?? stored?.mTLS;
  // What the proxy said about itself on its newest stream; an older stream's word is out of date.
  const localIsNewest = newest !== undefined && local.subscriptions.some((l) => sameSubscription(l, newest));
  const metadata = localIsNewest && local.metadata !== undefined ? local.metadata : stored?.metadata;
  return {
    ...stored,
    subscriptions: subscriptions.slice(-MAX_SUBSCRIPTIONS),
    ...(mTLS === undefined ? {} : { mTLS }),
    ...(metadata === undefined ? {} : { metadata }),
  };
}

const latest = (times: readonly (string | undefined)[]): string | undefined => {
  let best: string | undefined;
  for (const time of times)
    if (time !== undefined && (best === undefined || Date.parse(time) > Date.parse(best))) best = time;
  return best;
};

/**
 * The record with the open subscriptions of gone instances closed: `gone`
 * maps an instance id to when it was last known alive (its last heartbeat),
 * or to nothing when that is unknown. A subscription is closed at that time,
 * or at its own last update when that is later (it connected or reported
 * after the heartbeat): a value read from the store, so every instance that
 * closes it writes the same. A subscription already closed is never touched.
 * Undefined when nothing changes, so a second closer writes nothing.
 */
export function closeSubscriptions(
  stored: DataplaneInsightSpec | undefined,
  gone: ReadonlyMap<string, Date | undefined>,
): DataplaneInsightSpec | undefined {
  let changed = false;
  const subscriptions = (stored?.subscriptions ?? []).map((s) => {
    if (s.disconnectTime !== undefined || !gone.has(s.controlPlaneInstanceId)) return s;
    changed = true;
    const lastSeen = gone.get(s.controlPlaneInstanceId)?.toISOString();
    return { ...s, disconnectTime: latest([lastSeen, s.connectTime, s.status?.lastUpdateTime])! };
  });
  return changed ? { ...stored, subscriptions } : undefined;
}
