/**
 * MeshService: a named service with ports, selecting the dataplanes that
 * implement it. Reads show the SNI of each port (`snis`); a write is answered
 * with Kuma's deprecation warnings for names and SNIs that break DNS rules.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../errors.js';
import { defineKind, type Identified } from '../kind.js';
import { Ignored, Port, ReferenceName, Strict, StringEnum, Tags } from '../primitives.js';
import { destinationWarnings, snisOf, type Section } from './destination.js';

const SHORT_NAME = 'msvc';

export const MeshServiceSpec = Type.Object(
  {
    selector: Type.Optional(
      Strict({
        dataplaneTags: Type.Optional(Tags({ description: 'Dataplanes whose inbound has all these tags.' })),
        dataplaneRef: Type.Optional(Strict({ name: ReferenceName() })),
      }),
    ),
    ports: Type.Optional(
      Type.Array(
        Strict({
          name: Type.Optional(Type.String({ minLength: 1 })),
          port: Port(),
          targetPort: Type.Optional(
            Type.Union([Port(), Type.String({ minLength: 1 })], {
              errorMessage: 'must be a port number or an inbound name',
            }),
          ),
          appProtocol: Type.Optional(StringEnum(['tcp', 'http', 'http2', 'grpc'], { default: 'tcp' })),
          protocol: Ignored('Not a field of a port (appProtocol is): accepted and dropped, as Kuma drops it.'),
        }),
      ),
    ),
    identities: Type.Optional(
      Type.Array(Strict({ type: StringEnum(['ServiceTag', 'SpiffeID']), value: Type.String({ minLength: 1 }) })),
    ),
    state: Type.Optional(
      StringEnum(['Available', 'Unavailable'], {
        default: 'Unavailable',
        description: 'Whether the service has a healthy endpoint, for cross-zone traffic.',
      }),
    ),
  },
  { additionalProperties: false },
);

export type MeshServiceSpec = Static<typeof MeshServiceSpec>;

function checkMeshService(spec: MeshServiceSpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const selector = spec.selector;
  if (selector && (selector.dataplaneTags === undefined) === (selector.dataplaneRef === undefined))
    issues.push({ field: 'selector', reason: 'must have exactly one of dataplaneTags or dataplaneRef' });
  const seen = new Map<number, number>();
  (spec.ports ?? []).forEach((p, i) => {
    const other = seen.get(p.port);
    if (other !== undefined)
      issues.push({ field: `ports[${i}].port`, reason: `${p.port} is already used by ports[${other}]` });
    else seen.set(p.port, i);
  });
  return issues;
}

const sections = (spec: MeshServiceSpec): Section[] =>
  (spec.ports ?? []).map((p) => ({ port: p.port, sectionName: p.name ?? String(p.port) }));

export const MeshServiceKind = defineKind({
  name: 'MeshService',
  plural: 'meshservices',
  shortName: SHORT_NAME,
  singularDisplayName: 'Mesh Service',
  pluralDisplayName: 'Mesh Services',
  scope: 'Mesh',
  shape: 'enveloped',
  includeInFederation: false,
  spec: MeshServiceSpec,
  hasStatus: true,
  // Kuma's zero status: its TLS and dataplane counts are objects, shown empty.
  emptyStatus: { tls: {}, dataplaneProxies: {} },
  check: checkMeshService,
  warnings: (resource: Identified<MeshServiceSpec>) =>
    destinationWarnings('MeshService', SHORT_NAME, resource, sections(resource.spec)),
  computed: (resource: Identified<MeshServiceSpec>) => snisOf(SHORT_NAME, resource, sections(resource.spec)),
});
