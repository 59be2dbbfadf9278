/**
 * The connection records insights keep: one per xDS (proxies) or KDS (zones)
 * stream, with when it connected, which instance served it and what it was sent.
 */
import { Type } from '@sinclair/typebox';
import { Strict } from '../../primitives.js';

/** An RFC 3339 time, as the control plane writes it. */
export const Timestamp = () => Type.String({ minLength: 1, description: 'RFC 3339 time.' });

const Stats = Strict({
  responsesSent: Type.Optional(Type.String()),
  responsesAcknowledged: Type.Optional(Type.String()),
  responsesRejected: Type.Optional(Type.String()),
});

const common = {
  id: Type.String({ minLength: 1 }),
  connectTime: Timestamp(),
  disconnectTime: Type.Optional(Timestamp()),
  generation: Type.Optional(Type.Integer({ minimum: 0 })),
};

/** A proxy's xDS stream (DataplaneInsight, ZoneIngressInsight, ZoneEgressInsight). */
export const DiscoverySubscription = Strict({
  ...common,
  controlPlaneInstanceId: Type.String({ minLength: 1 }),
  status: Strict({
    lastUpdateTime: Type.Optional(Timestamp()),
    total: Type.Optional(Stats),
    cds: Type.Optional(Stats),
    eds: Type.Optional(Stats),
    lds: Type.Optional(Stats),
    rds: Type.Optional(Stats),
  }),
  version: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Versions of kuma-dp and Envoy.' })),
});

/** A zone's KDS stream to the global control plane (ZoneInsight). */
export const KdsSubscription = Strict({
  ...common,
  globalInstanceId: Type.String({ minLength: 1 }),
  zoneInstanceId: Type.Optional(Type.String()),
  status: Strict({
    lastUpdateTime: Type.Optional(Timestamp()),
    total: Type.Optional(Stats),
    stat: Type.Optional(Type.Record(Type.String(), Stats)),
  }),
  version: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), { description: 'Version of the zone control plane.' }),
  ),
  config: Type.Optional(Type.String({ description: 'Configuration of the zone control plane, as JSON.' })),
  authTokenProvided: Type.Optional(Type.Boolean()),
});

export const Metadata = Type.Optional(Type.Record(Type.String(), Type.Unknown()));
