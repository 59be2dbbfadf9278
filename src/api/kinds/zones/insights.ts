/**
 * The insights the control plane writes about the proxies and zones
 * connected to it. Read-only through the API: only the control plane writes them.
 */
import { Type } from '@sinclair/typebox';
import { defineKind } from '../../kind.js';
import { Strict } from '../../primitives.js';
import { DiscoverySubscription, KdsSubscription, Metadata, Timestamp } from './subscription.js';

const readOnly = { shortName: '', readOnly: true, includeInFederation: false, shape: 'flat' } as const;

const Subscriptions = <T extends typeof DiscoverySubscription | typeof KdsSubscription>(item: T) =>
  Type.Optional(Type.Array(item));

export const DataplaneInsightKind = defineKind({
  ...readOnly,
  name: 'DataplaneInsight',
  plural: 'dataplane-insights',
  singularDisplayName: 'Dataplane Insight',
  pluralDisplayName: 'Dataplane Insights',
  scope: 'Mesh',
  spec: Type.Object(
    {
      subscriptions: Subscriptions(DiscoverySubscription),
      mTLS: Type.Optional(
        Strict({
          certificateExpirationTime: Type.Optional(Timestamp()),
          lastCertificateRegeneration: Type.Optional(Timestamp()),
          certificateRegenerations: Type.Optional(Type.Integer({ minimum: 0 })),
          issuedBackend: Type.Optional(Type.String()),
          supportedBackends: Type.Optional(Type.Array(Type.String())),
        }),
      ),
      metadata: Metadata,
      openTelemetry: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    },
    { additionalProperties: false },
  ),
});

export const ZoneInsightKind = defineKind({
  ...readOnly,
  name: 'ZoneInsight',
  plural: 'zone-insights',
  singularDisplayName: 'Zone Insight',
  pluralDisplayName: 'Zone Insights',
  scope: 'Global',
  spec: Type.Object(
    {
      subscriptions: Subscriptions(KdsSubscription),
      envoyAdminStreams: Type.Optional(Type.Record(Type.String(), Type.String())),
      healthCheck: Type.Optional(Strict({ time: Type.Optional(Timestamp()) })),
      kdsStreams: Type.Optional(Type.Record(Type.String(), Type.Record(Type.String(), Type.String()))),
    },
    { additionalProperties: false },
  ),
});

const zoneProxyInsight = Type.Object(
  { subscriptions: Subscriptions(DiscoverySubscription), metadata: Metadata },
  { additionalProperties: false },
);

export const ZoneIngressInsightKind = defineKind({
  ...readOnly,
  name: 'ZoneIngressInsight',
  plural: 'zone-ingress-insights',
  singularDisplayName: 'Zone Ingress Insight',
  pluralDisplayName: 'Zone Ingress Insights',
  scope: 'Global',
  spec: zoneProxyInsight,
});

export const ZoneEgressInsightKind = defineKind({
  ...readOnly,
  name: 'ZoneEgressInsight',
  plural: 'zoneegressinsights',
  singularDisplayName: 'Zone Egress Insight',
  pluralDisplayName: 'Zone Egress Insights',
  scope: 'Global',
  spec: zoneProxyInsight,
});
