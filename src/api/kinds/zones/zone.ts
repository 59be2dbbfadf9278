/** Zone: one zone control plane of a multi-zone deployment, as the global control plane knows it. */
import { Type } from '@sinclair/typebox';
import { defineKind } from '../../kind.js';

export const ZoneSpec = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Whether the zone may connect (default true).' })),
  },
  { additionalProperties: false },
);

export const ZoneKind = defineKind({
  name: 'Zone',
  plural: 'zones',
  shortName: 'z',
  singularDisplayName: 'Zone',
  pluralDisplayName: 'Zones',
  scope: 'Global',
  shape: 'flat',
  includeInFederation: false,
  spec: ZoneSpec,
});
