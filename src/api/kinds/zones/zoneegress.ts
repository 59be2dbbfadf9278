/** ZoneEgress: the proxy through which a zone's traffic leaves for other zones and external services. */
import { Type, type Static } from '@sinclair/typebox';
import { defineKind } from '../../kind.js';
import { Port, Strict } from '../../primitives.js';
import { Admin, checkZoneProxyNetworking } from './networking.js';

export const ZoneEgressSpec = Type.Object(
  {
    zone: Type.Optional(Type.String({ description: 'Zone the egress runs in.' })),
    networking: Strict({
      address: Type.Optional(Type.String({ minLength: 1, description: 'Address the proxy listens on.' })),
      port: Port(),
      admin: Admin,
    }),
  },
  { additionalProperties: false },
);

export type ZoneEgressSpec = Static<typeof ZoneEgressSpec>;

export const ZoneEgressKind = defineKind({
  name: 'ZoneEgress',
  plural: 'zoneegresses',
  shortName: 'ze',
  singularDisplayName: 'Zone Egress',
  pluralDisplayName: 'Zone Egresses',
  scope: 'Global',
  shape: 'flat',
  includeInFederation: false,
  spec: ZoneEgressSpec,
  check: (spec) => checkZoneProxyNetworking(spec.networking),
});
