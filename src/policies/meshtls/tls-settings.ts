/**
 * What a resolved MeshTLS conf sets, in Envoy's terms: TLS parameters
 * (versions and ciphers, which Kuma applies to both sides of a connection,
 * so mesh-wide only) and the inbound mTLS mode.
 */
import { TlsProtocol, type TlsParamsInput, type MtlsMode } from '../../xds/generate/index.js';
import { type MatchedPolicy, mergeConfs, fromEntries, ruleEntries } from '../core/index.js';
import type { MeshTLSConf, TLS_VERSIONS } from './schema.js';

const PROTOCOLS: Readonly<Record<(typeof TLS_VERSIONS)[number], TlsProtocol>> = {
  TLSAuto: TlsProtocol.TLS_AUTO,
  TLS10: TlsProtocol.TLSv1_0,
  TLS11: TlsProtocol.TLSv1_1,
  TLS12: TlsProtocol.TLSv1_2,
  TLS13: TlsProtocol.TLSv1_3,
};

/** The TLS parameters a conf sets; undefined when it sets neither versions nor ciphers. */
export function tlsParamsOf(conf: MeshTLSConf | undefined): TlsParamsInput | undefined {
  const version = conf?.tlsVersion;
  const ciphers = conf?.tlsCiphers ?? [];
  if (!version && ciphers.length === 0) return undefined;
  return {
    ...(version?.min ? { min: PROTOCOLS[version.min] } : {}),
    ...(version?.max ? { max: PROTOCOLS[version.max] } : {}),
    ...(ciphers.length > 0 ? { ciphers } : {}),
  };
}

/** The mesh mTLS mode a conf asks for, in the generator's spelling. */
export const modeOf = (conf: MeshTLSConf | undefined): MtlsMode | undefined =>
  conf?.mode === 'Strict' ? 'STRICT' : conf?.mode === 'Permissive' ? 'PERMISSIVE' : undefined;

/**
 * The conf every caller of every inbound gets from the matched policies:
 * their `rules[]`, or `from[]` entries naming the whole mesh when a policy has
 * no rules, merged lowest priority first. Versions and ciphers can only be set
 * by mesh-wide policies (schema.ts), so this is what outbound TLS takes too.
 */
export function proxyWideConf(matched: readonly MatchedPolicy[]): MeshTLSConf | undefined {
  const confs = matched.flatMap(({ policy }) => {
    const rules = ruleEntries(policy);
    if (rules.length > 0) return rules.map((rule) => rule.default);
    return fromEntries(policy).flatMap((entry) => (entry.targetRef.kind === 'Mesh' ? [entry.default] : []));
  });
  return mergeConfs(confs) as MeshTLSConf | undefined;
}
