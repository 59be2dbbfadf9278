/**
 * MeshPassthrough: which traffic to destinations outside the mesh a sidecar
 * lets through: everything (All), nothing (None), or only the domains, IPs and
 * CIDRs listed in `appendMatch` (Matched). A domain needs a port, since the
 * sidecar resolves it to pin the destination, unless it is a wildcard.
 */
import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, Port, Strict, StringEnum } from '../../api/index.js';
import { definePolicy, SIDECAR_TOP_LEVEL_KINDS, TargetRef } from '../core/index.js';

const PROTOCOLS = ['tcp', 'tls', 'grpc', 'http', 'http2', 'mysql'] as const;
const L7_PROTOCOLS: readonly string[] = ['grpc', 'http', 'http2'];

export const PassthroughMatch = Strict({
  type: StringEnum(['Domain', 'IP', 'CIDR']),
  value: Type.String({ minLength: 1 }),
  port: Type.Optional(Port({ description: 'Destination port (default: every port).' })),
  protocol: Type.Optional(StringEnum(PROTOCOLS, { description: 'Protocol of the traffic (default tcp).' })),
});
export type PassthroughMatch = Static<typeof PassthroughMatch>;

export const MeshPassthroughConf = Strict({
  passthroughMode: Type.Optional(
    StringEnum(['All', 'Matched', 'None'], {
      description: 'All or None ignore appendMatch; Matched allows only appendMatch (default None).',
    }),
  ),
  appendMatch: Type.Optional(
    Type.Array(PassthroughMatch, { description: 'Destinations let through; appended across policies.' }),
  ),
});
export type MeshPassthroughConf = Static<typeof MeshPassthroughConf>;

export const MeshPassthroughSpec = Strict({
  targetRef: Type.Optional(TargetRef(SIDECAR_TOP_LEVEL_KINDS)),
  default: Type.Optional(MeshPassthroughConf),
});
export type MeshPassthroughSpec = Static<typeof MeshPassthroughSpec>;

const DNS_LABEL = '[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const DNS_NAME = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*\\.?$`);

function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (address === undefined || prefix === undefined || rest.length > 0 || !/^\d{1,3}$/.test(prefix)) return false;
  const family = isIP(address);
  return family !== 0 && Number(prefix) <= (family === 4 ? 32 : 128);
}

function checkDomain(match: PassthroughMatch, protocol: string, at: string): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const wildcard = match.value.startsWith('*');
  if (protocol === 'tcp' || protocol === 'mysql')
    issues.push({ field: `${at}.protocol`, reason: `${protocol} is not supported for a domain` });
  if (match.port === undefined && !wildcard)
    issues.push({
      field: `${at}.port`,
      reason: 'is required for a domain: the sidecar resolves the domain to pin the destination',
    });
  if (match.port === undefined && wildcard && L7_PROTOCOLS.includes(protocol))
    issues.push({ field: `${at}.port`, reason: `is required for a wildcard domain with protocol ${protocol}` });
  if (/^\*[^.]/.test(match.value))
    issues.push({ field: `${at}.value`, reason: 'partial wildcards are not supported; use *.example.com' });
  else if (!DNS_NAME.test(match.value.startsWith('*.') ? match.value.slice(2) : match.value))
    issues.push({ field: `${at}.value`, reason: 'must be a valid domain name' });
  return issues;
}

function checkMatches(matches: readonly PassthroughMatch[]): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const seen = new Set<string>();
  matches.forEach((match, i) => {
    const at = `default.appendMatch[${i}]`;
    const protocol = match.protocol ?? 'tcp';
    if (protocol === 'mysql' && match.port === undefined)
      issues.push({ field: `${at}.port`, reason: 'is required for protocol mysql' });
    if (match.type === 'IP' && isIP(match.value) === 0)
      issues.push({ field: `${at}.value`, reason: 'must be a valid IP address' });
    if (match.type === 'CIDR' && !isCidr(match.value))
      issues.push({ field: `${at}.value`, reason: 'must be a valid CIDR like 10.0.0.0/8' });
    if (match.type === 'Domain') issues.push(...checkDomain(match, protocol, at));
    if (match.port !== undefined) {
      const key = `${match.port}/${protocol}/${match.value}`;
      if (seen.has(key))
        issues.push({
          field: `${at}.value`,
          reason: `${match.value} is already matched for port ${match.port} and protocol ${protocol}`,
        });
      seen.add(key);
    }
  });
  return issues;
}

export const MeshPassthroughKind = definePolicy({
  name: 'MeshPassthrough',
  shortName: 'mp',
  order: 500,
  acts: 'none',
  spec: MeshPassthroughSpec,
  check: (spec) => checkMatches(spec.default?.appendMatch ?? []),
});
