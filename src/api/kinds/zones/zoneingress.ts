/**
 * ZoneIngress: the proxy that lets other zones into this zone's services,
 * with the services it has seen (written back by the control plane).
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineKind } from '../../kind.js';
import { Port, Strict, TagsWith, Uint32 } from '../../primitives.js';
import { SERVICE_TAG } from '../dataplane.js';
import { Admin, checkZoneProxyNetworking } from './networking.js';

export const ZoneIngressSpec = Type.Object(
  {
    zone: Type.Optional(Type.String({ description: 'Zone the ingress runs in.' })),
    networking: Strict({
      address: Type.Optional(Type.String({ minLength: 1, description: 'Address the proxy listens on.' })),
      advertisedAddress: Type.Optional(Type.String({ minLength: 1, description: 'Address other zones connect to.' })),
      port: Port(),
      advertisedPort: Type.Optional(Port()),
      admin: Admin,
    }),
    availableServices: Type.Optional(
      Type.Array(
        Strict({
          tags: TagsWith([SERVICE_TAG]),
          instances: Type.Optional(Uint32()),
          mesh: Type.Optional(Type.String()),
          externalService: Type.Optional(Type.Boolean()),
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

export type ZoneIngressSpec = Static<typeof ZoneIngressSpec>;

export const ZoneIngressKind = defineKind({
  name: 'ZoneIngress',
  plural: 'zoneingresses',
  pathAliases: ['zone-ingresses'],
  shortName: 'zi',
  singularDisplayName: 'Zone Ingress',
  pluralDisplayName: 'Zone Ingresses',
  scope: 'Global',
  shape: 'flat',
  includeInFederation: false,
  spec: ZoneIngressSpec,
  check: (spec) => checkZoneProxyNetworking(spec.networking),
});
