/** MeshZoneAddress: the address and port other zones reach this zone's services at. */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../errors.js';
import { defineKind } from '../kind.js';
import { Port } from '../primitives.js';
import { ADDRESS_REASON, isAddress } from './address.js';

export const MeshZoneAddressSpec = Type.Object(
  {
    address: Type.String({ minLength: 1, description: 'IP address or host name.' }),
    port: Port(),
  },
  { additionalProperties: false },
);

export type MeshZoneAddressSpec = Static<typeof MeshZoneAddressSpec>;

const checkMeshZoneAddress = (spec: MeshZoneAddressSpec): InvalidParameter[] =>
  isAddress(spec.address) ? [] : [{ field: 'address', reason: ADDRESS_REASON }];

export const MeshZoneAddressKind = defineKind({
  name: 'MeshZoneAddress',
  plural: 'meshzoneaddresses',
  shortName: 'mza',
  singularDisplayName: 'Mesh Zone Address',
  pluralDisplayName: 'Mesh Zone Addresses',
  scope: 'Mesh',
  shape: 'enveloped',
  includeInFederation: false,
  spec: MeshZoneAddressSpec,
  check: checkMeshZoneAddress,
});
