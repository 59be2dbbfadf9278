/** Secret: opaque bytes (base64) owned by a mesh, referenced by name from data sources. */
import { Type, type Static } from '@sinclair/typebox';
import { defineKind } from '../kind.js';

const BASE64 = '^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';

export const SecretSpec = Type.Object(
  {
    data: Type.String({
      pattern: BASE64,
      contentEncoding: 'base64',
      errorMessage: 'must be base64',
      description: 'The secret value, base64 encoded.',
    }),
  },
  { additionalProperties: false },
);

export type SecretSpec = Static<typeof SecretSpec>;

export const SecretKind = defineKind({
  name: 'Secret',
  plural: 'secrets',
  // Kuma gives secrets no short name.
  shortName: '',
  singularDisplayName: 'Secret',
  pluralDisplayName: 'Secrets',
  scope: 'Mesh',
  shape: 'flat',
  spec: SecretSpec,
});
