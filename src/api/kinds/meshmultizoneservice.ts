/**
 * MeshMultiZoneService: one service over the MeshServices of several zones,
 * picked by labels, so a client reaches whichever zone serves it.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../errors.js';
import { defineKind, type Identified } from '../kind.js';
import { Labels, Port, Strict, StringEnum } from '../primitives.js';
import { destinationWarnings, snisOf, type Section } from './destination.js';
import { DESTINATION_PROTOCOLS } from './meshexternalservice.js';

const SHORT_NAME = 'mzsvc';

export const MeshMultiZoneServiceSpec = Type.Object(
  {
    selector: Strict({
      meshService: Strict(
        { matchLabels: Labels({ description: 'Labels each selected MeshService has; at least one.' }) },
        { description: 'The MeshServices, in any zone, this service is made of.' },
      ),
    }),
    ports: Type.Array(
      Strict({
        name: Type.Optional(Type.String({ minLength: 1 })),
        port: Port(),
        appProtocol: Type.Optional(StringEnum(DESTINATION_PROTOCOLS, { description: 'Default tcp.' })),
      }),
      { minItems: 1, description: 'Ports of the selected MeshServices this service offers.' },
    ),
  },
  { additionalProperties: false },
);

export type MeshMultiZoneServiceSpec = Static<typeof MeshMultiZoneServiceSpec>;

function checkMeshMultiZoneService(spec: MeshMultiZoneServiceSpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  if (Object.keys(spec.selector.meshService.matchLabels).length === 0)
    issues.push({ field: 'selector.meshService.matchLabels', reason: 'must have at least one label' });
  const seen = new Map<number, number>();
  spec.ports.forEach((p, i) => {
    const other = seen.get(p.port);
    if (other !== undefined)
      issues.push({ field: `ports[${i}].port`, reason: `${p.port} is already used by ports[${other}]` });
    else seen.set(p.port, i);
  });
  return issues;
}

const sections = (spec: MeshMultiZoneServiceSpec): Section[] =>
  spec.ports.map((p) => ({ port: p.port, sectionName: p.name ?? String(p.port) }));

export const MeshMultiZoneServiceKind = defineKind({
  name: 'MeshMultiZoneService',
  plural: 'meshmultizoneservices',
  shortName: SHORT_NAME,
  singularDisplayName: 'Mesh Multi Zone Service',
  pluralDisplayName: 'Mesh Multi Zone Services',
  scope: 'Mesh',
  shape: 'enveloped',
  spec: MeshMultiZoneServiceSpec,
  hasStatus: true,
  check: checkMeshMultiZoneService,
  warnings: (resource: Identified<MeshMultiZoneServiceSpec>) =>
    destinationWarnings('MeshMultiZoneService', SHORT_NAME, resource, sections(resource.spec)),
  computed: (resource: Identified<MeshMultiZoneServiceSpec>) => snisOf(SHORT_NAME, resource, sections(resource.spec)),
});
