/**
 * One xDS stream's status (the ProxyStatusRegistry's view) as a subscription
 * of Kuma's DataplaneInsight: counters over the stream per resource type and
 * in total, as decimal strings with zeros left out (Kuma's JSON), plus the
 * versions sent and acknowledged and the last NACK with its error, and the
 * software the proxy reported when the stream opened (Kuma's `version`).
 */
import type { DiscoveryServiceStats, DiscoverySubscription, TypeSubscriptionStatus } from '../../insights/index.js';
import type { ProxyStatus } from '../server/index.js';
import { shortNameOfType, typeUrls } from '../index.js';

const counters = (sent: number, acked: number, rejected: number): DiscoveryServiceStats => ({
  ...(sent > 0 ? { responsesSent: String(sent) } : {}),
  ...(acked > 0 ? { responsesAcknowledged: String(acked) } : {}),
  ...(rejected > 0 ? { responsesRejected: String(rejected) } : {}),
});

export function subscriptionOf(status: ProxyStatus, generation?: number): DiscoverySubscription {
  const perType: Record<string, TypeSubscriptionStatus> = {};
  let sent = 0;
  let acked = 0;
  let rejected = 0;
  let lastUpdate = status.since;
  for (const typeUrl of typeUrls) {
    const type = status.types.get(typeUrl);
    if (!type) continue;
    sent += type.responsesSent;
    acked += type.responsesAcked;
    rejected += type.responsesRejected;
    for (const at of [type.sent?.at, type.acked?.at, type.lastNack?.at]) if (at && at > lastUpdate) lastUpdate = at;
    perType[shortNameOfType[typeUrl].toLowerCase()] = {
      ...counters(type.responsesSent, type.responsesAcked, type.responsesRejected),
      ...(type.sent ? { sentVersion: type.sent.version, lastSentTime: type.sent.at.toISOString() } : {}),
      ...(type.acked ? { ackedVersion: type.acked.version, lastAckTime: type.acked.at.toISOString() } : {}),
      ...(type.lastNack
        ? {
            lastNack: {
              version: type.lastNack.version,
              error: type.lastNack.error,
              time: type.lastNack.at.toISOString(),
            },
          }
        : {}),
    };
  }
  return {
    id: status.streamId,
    controlPlaneInstanceId: status.instanceId,
    connectTime: status.since.toISOString(),
    ...(status.disconnectedAt ? { disconnectTime: status.disconnectedAt.toISOString() } : {}),
    status: { lastUpdateTime: lastUpdate.toISOString(), total: counters(sent, acked, rejected), ...perType },
    ...(status.version === undefined ? {} : { version: status.version }),
    ...(generation !== undefined ? { generation } : {}),
    protocol: status.protocol,
  };
}

/**
 * The insight's `metadata` from a stream: the features the proxy declared, as
 * Kuma keeps them, and (Koguma's) which proxy it is, `envoy` or `grpc`
 * (proxyless), so that every instance can tell whichever holds the stream.
 */
export const insightMetadataOf = (
  status: ProxyStatus,
): { readonly features?: readonly string[]; readonly proxyType?: string } | undefined =>
  status.features === undefined && status.flavour === undefined
    ? undefined
    : {
        ...(status.features === undefined ? {} : { features: status.features }),
        ...(status.flavour === undefined ? {} : { proxyType: status.flavour }),
      };
