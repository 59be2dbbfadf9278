/**
 * MeshTLS: inbound TLS of the selected proxies: whether plain text is still
 * accepted (mode Permissive or Strict) and, mesh-wide only, the TLS versions
 * and ciphers. Configured per client group (`from`) or for all inbound traffic
 * (`rules`, the newer form); a policy uses one or the other.
 */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, Strict, StringEnum } from '../../api/index.js';
import { definePolicy, FROM_KINDS, SIDECAR_TOP_LEVEL_KINDS, TargetRef } from '../core/index.js';

/** Lowest to highest; TLSAuto leaves the choice to Envoy. */
export const TLS_VERSIONS = ['TLSAuto', 'TLS10', 'TLS11', 'TLS12', 'TLS13'] as const;
export const TLS_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-CHACHA20-POLY1305',
] as const;

export const MeshTLSConf = Strict({
  tlsVersion: Type.Optional(
    Strict({
      min: Type.Optional(StringEnum(TLS_VERSIONS, { description: 'Lowest accepted TLS version (default TLSAuto).' })),
      max: Type.Optional(StringEnum(TLS_VERSIONS, { description: 'Highest accepted TLS version (default TLSAuto).' })),
    }),
  ),
  tlsCiphers: Type.Optional(
    Type.Array(StringEnum(TLS_CIPHERS), { description: "Accepted cipher suites (default: Envoy's)." }),
  ),
  mode: Type.Optional(
    StringEnum(['Permissive', 'Strict'], {
      description: 'Strict refuses plain text; Permissive also accepts it (default Strict).',
    }),
  ),
});
export type MeshTLSConf = Static<typeof MeshTLSConf>;

export const MeshTLSSpec = Strict({
  targetRef: Type.Optional(TargetRef(SIDECAR_TOP_LEVEL_KINDS)),
  from: Type.Optional(Type.Array(Strict({ targetRef: TargetRef(FROM_KINDS), default: Type.Optional(MeshTLSConf) }))),
  rules: Type.Optional(Type.Array(Strict({ default: MeshTLSConf }))),
});
export type MeshTLSSpec = Static<typeof MeshTLSSpec>;

function checkConf(conf: MeshTLSConf, topKind: string, at: string): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  if (conf.tlsCiphers !== undefined && conf.tlsCiphers.length > 0 && topKind !== 'Mesh')
    issues.push({ field: `${at}.tlsCiphers`, reason: 'can only be set when the top-level targetRef kind is Mesh' });
  const version = conf.tlsVersion;
  if (version && topKind !== 'Mesh')
    issues.push({ field: `${at}.tlsVersion`, reason: 'can only be set when the top-level targetRef kind is Mesh' });
  else if (
    version?.min &&
    version.max &&
    version.min !== 'TLSAuto' &&
    version.max !== 'TLSAuto' &&
    TLS_VERSIONS.indexOf(version.min) > TLS_VERSIONS.indexOf(version.max)
  )
    issues.push({ field: `${at}.tlsVersion.min`, reason: `must not be higher than max (${version.max})` });
  return issues;
}

function checkMeshTLS(spec: MeshTLSSpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const topKind = spec.targetRef?.kind ?? 'Mesh';
  if (spec.rules !== undefined && spec.rules.length > 0 && spec.from !== undefined && spec.from.length > 0)
    issues.push({ field: 'from', reason: 'must be empty when rules is set' });
  spec.rules?.forEach((rule, i) => issues.push(...checkConf(rule.default, topKind, `rules[${i}].default`)));
  spec.from?.forEach((from, i) => {
    if (from.default) issues.push(...checkConf(from.default, topKind, `from[${i}].default`));
  });
  return issues;
}

export const MeshTLSKind = definePolicy({
  name: 'MeshTLS',
  shortName: 'mtls',
  order: 300,
  acts: 'inbound',
  fromAsRules: true,
  spec: MeshTLSSpec,
  check: checkMeshTLS,
});
