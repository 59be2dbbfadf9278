/** Secret and GlobalSecret: opaque bytes (base64), referenced by name from data sources. */
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

/** GlobalSecret: a secret of the control plane itself, in no mesh (zone tokens, signing keys). */
export const GlobalSecretKind = defineKind({
  name: 'GlobalSecret',
  plural: 'globalsecrets',
  pathAliases: ['global-secrets'],
  shortName: '',
  singularDisplayName: 'Global Secret',
  pluralDisplayName: 'Global Secrets',
  scope: 'Global',
  shape: 'flat',
  spec: SecretSpec,
});

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
