/**
 * MeshIdentity: how the dataplanes it selects get their workload identity
 * (SPIFFE ID) and certificates: from a CA the control plane keeps (Bundled),
 * from SPIRE, or from an extension.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../errors.js';
import { defineKind } from '../kind.js';
import { Duration, Strict, StringEnum } from '../primitives.js';
import { parseHostnameTemplate } from '../hostname-template.js';
import { LabelSelector } from './label-selector.js';
import { checkSecureDataSource, SecureDataSource } from './secure-datasource.js';

/** What a SPIFFE ID template may use, beside `label "key"`. */
const IDENTITY_FIELDS = ['Mesh', 'Zone', 'Namespace', 'ServiceAccount', 'Workload', 'Name', 'DisplayName'];

const Bundled = Strict({
  meshTrustCreation: Type.Optional(
    StringEnum(['Enabled', 'Disabled'], {
      description: 'Whether a MeshTrust is made from this identity (default Enabled).',
    }),
  ),
  insecureAllowSelfSigned: Type.Optional(Type.Boolean()),
  autogenerate: Type.Optional(Strict({ enabled: Type.Optional(Type.Boolean()) })),
  ca: Type.Optional(
    Strict({
      certificate: Type.Optional(SecureDataSource('The CA certificate (PEM).')),
      privateKey: Type.Optional(SecureDataSource('The CA private key (PEM).')),
    }),
  ),
  certificateParameters: Type.Optional(Strict({ expiry: Type.Optional(Duration()) })),
});

export const MeshIdentitySpec = Type.Object(
  {
    selector: Type.Optional(Strict({ dataplane: Type.Optional(LabelSelector('Dataplanes given this identity.')) })),
    spiffeID: Type.Optional(
      Strict({
        trustDomain: Type.Optional(Type.String({ description: 'Template, e.g. {{ .Mesh }}.{{ .Zone }}.mesh.local' })),
        path: Type.Optional(
          Type.String({ description: 'Template, e.g. /ns/{{ .Namespace }}/sa/{{ .ServiceAccount }}' }),
        ),
      }),
    ),
    provider: Type.Optional(
      Strict({
        type: StringEnum(['Bundled', 'Spire', 'Extension']),
        bundled: Type.Optional(Bundled),
        spire: Type.Optional(Strict({ agent: Type.Optional(Strict({ timeout: Type.Optional(Duration()) })) })),
        extension: Type.Optional(
          Strict({ name: Type.String({ minLength: 1 }), config: Type.Optional(Type.Unknown()) }),
        ),
      }),
    ),
  },
  { additionalProperties: false },
);

export type MeshIdentitySpec = Static<typeof MeshIdentitySpec>;
type Bundled = Static<typeof Bundled>;

function checkBundled(bundled: Bundled): InvalidParameter[] {
  const at = 'provider.bundled';
  if (bundled.autogenerate?.enabled === true)
    return bundled.ca ? [{ field: `${at}.ca`, reason: 'must be absent when autogenerate is enabled' }] : [];
  if (!bundled.ca) return [{ field: `${at}.ca`, reason: 'is required unless autogenerate is enabled' }];
  const issues: InvalidParameter[] = [];
  for (const part of ['certificate', 'privateKey'] as const) {
    const source = bundled.ca[part];
    if (!source) issues.push({ field: `${at}.ca.${part}`, reason: 'is required unless autogenerate is enabled' });
    else issues.push(...checkSecureDataSource(source, `${at}.ca.${part}`));
  }
  return issues;
}

function checkMeshIdentity(spec: MeshIdentitySpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  for (const part of ['trustDomain', 'path'] as const) {
    const template = spec.spiffeID?.[part];
    if (!template) continue;
    const parsed = parseHostnameTemplate(template, IDENTITY_FIELDS);
    if ('error' in parsed)
      issues.push({ field: `spiffeID.${part}`, reason: `couldn't parse template: ${parsed.error}` });
  }
  const provider = spec.provider;
  if (!provider) return issues;
  const section = ({ Bundled: 'bundled', Spire: 'spire', Extension: 'extension' } as const)[provider.type];
  if (provider[section] === undefined)
    issues.push({ field: `provider.${section}`, reason: `is required when type is ${provider.type}` });
  else if (provider.bundled && provider.type === 'Bundled') issues.push(...checkBundled(provider.bundled));
  return issues;
}

export const MeshIdentityKind = defineKind({
  name: 'MeshIdentity',
  plural: 'meshidentities',
  shortName: 'mid',
  singularDisplayName: 'Mesh Identity',
  pluralDisplayName: 'Mesh Identities',
  scope: 'Mesh',
  shape: 'enveloped',
  spec: MeshIdentitySpec,
  hasStatus: true,
  check: checkMeshIdentity,
});
