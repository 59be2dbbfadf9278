/** MeshTrust: CA certificates a trust domain's identities are verified against. */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../errors.js';
import { defineKind } from '../kind.js';
import { Strict, StringEnum } from '../primitives.js';

export const MeshTrustSpec = Type.Object(
  {
    origin: Type.Optional(
      Strict({ kri: Type.Optional(Type.String()) }, { description: 'Deprecated: set by the control plane in status.' }),
    ),
    trustDomain: Type.String({ minLength: 1, maxLength: 253, description: 'The trust domain these CAs sign for.' }),
    caBundles: Type.Array(
      Strict({
        type: StringEnum(['Pem']),
        pem: Type.Optional(Strict({ value: Type.String({ description: 'PEM-encoded CA certificates.' }) })),
      }),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

export type MeshTrustSpec = Static<typeof MeshTrustSpec>;

/** The PEM block types of keys: a trust bundle holds certificates, never a key. */
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/;

function isPemCertificate(value: string): boolean {
  const type = PEM_BLOCK.exec(value)?.[1];
  return type !== undefined && !type.endsWith('PRIVATE KEY');
}

function checkMeshTrust(spec: MeshTrustSpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  spec.caBundles.forEach((bundle, i) => {
    if (!bundle.pem) issues.push({ field: `caBundles[${i}].pem`, reason: 'is required when type is Pem' });
    else if (!isPemCertificate(bundle.pem.value))
      issues.push({ field: `caBundles[${i}].pem.value`, reason: 'must be a PEM certificate (not a key)' });
  });
  return issues;
}

export const MeshTrustKind = defineKind({
  name: 'MeshTrust',
  plural: 'meshtrusts',
  shortName: 'mtrust',
  singularDisplayName: 'Mesh Trust',
  pluralDisplayName: 'Mesh Trusts',
  scope: 'Mesh',
  shape: 'enveloped',
  spec: MeshTrustSpec,
  hasStatus: true,
  check: checkMeshTrust,
  warnings: ({ spec }) => (spec.origin ? ['setting spec.origin field is deprecated'] : []),
});
