/** MeshService: a named service with ports, selecting the dataplanes that implement it. */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../errors.js';
import { defineKind } from '../kind.js';
import { Port, ReferenceName, Strict, StringEnum, Tags } from '../primitives.js';

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
          appProtocol: Type.Optional(StringEnum(['tcp', 'http', 'http2', 'grpc'])),
        }),
      ),
    ),
    identities: Type.Optional(
      Type.Array(Strict({ type: StringEnum(['ServiceTag', 'SpiffeID']), value: Type.String({ minLength: 1 }) })),
    ),
    state: Type.Optional(StringEnum(['Available', 'Unavailable'])),
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

export const MeshServiceKind = defineKind({
  name: 'MeshService',
  plural: 'meshservices',
  shortName: 'msvc',
  singularDisplayName: 'Mesh Service',
  pluralDisplayName: 'Mesh Services',
  scope: 'Mesh',
  shape: 'enveloped',
  includeInFederation: false,
  spec: MeshServiceSpec,
  hasStatus: true,
  check: checkMeshService,
});
