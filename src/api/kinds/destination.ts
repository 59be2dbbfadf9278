/**
 * What the kinds traffic is addressed to (MeshService, MeshExternalService,
 * MeshMultiZoneService) share: the SNI each port is reached by, shown on reads
 * as `snis`, and the deprecation warnings Kuma answers a write with when the
 * name or an SNI does not fit DNS rules. The warnings keep Kuma's wording: a
 * script may match on it.
 */
import type { Identified } from '../kind.js';
import { ZONE_TAG } from './dataplane-schema.js';
import { dns1035LabelProblems, dns1123LabelProblems } from './dns-label.js';

const NAMESPACE_LABEL = 'k8s.kuma.io/namespace';
const DISPLAY_NAME_LABEL = 'kuma.io/display-name';
const MAX_HOSTNAME = 253;

/** One port of a destination: the port and the section name its SNI ends with. */
export interface Section {
  readonly port: number;
  readonly sectionName: string;
}

const displayNameOf = (resource: Identified): string => resource.labels[DISPLAY_NAME_LABEL] ?? resource.name;

/** The parts of a resource's identity an SNI is built from; zone and namespace only when it comes from a zone. */
function identityOf(resource: Identified) {
  const zone = resource.labels[ZONE_TAG] ?? '';
  const namespace = zone === '' ? '' : (resource.labels[NAMESPACE_LABEL] ?? '');
  return { mesh: resource.mesh, zone, namespace, name: displayNameOf(resource) };
}

/** `sni.<short>.<mesh>[.<zone>[.<namespace>]].<name>.<section>` */
export function sniOf(shortName: string, resource: Identified, sectionName: string): string {
  const id = identityOf(resource);
  return ['sni', shortName, id.mesh, id.zone, id.namespace, id.name, sectionName]
    .filter((segment) => segment !== '')
    .join('.');
}

/** The `snis` a read shows: one per port, by port. */
export function snisOf(shortName: string, resource: Identified, sections: readonly Section[]) {
  if (sections.length === 0) return {};
  const snis = [...sections]
    .sort((a, b) => a.port - b.port)
    .map((section) => ({ port: section.port, sni: sniOf(shortName, resource, section.sectionName) }));
  return { snis };
}

function sniProblems(shortName: string, resource: Identified, sectionName: string): string[] {
  const id = identityOf(resource);
  if (id.mesh === '' || id.name === '' || sectionName === '') return ['mesh, name and sectionName must be non-empty'];
  const problems: string[] = [];
  const fields: [string, string][] = [
    ['mesh', id.mesh],
    ['name', id.name],
    ...(id.zone === '' ? [] : ([['zone', id.zone]] as [string, string][])),
    ...(id.namespace === '' ? [] : ([['namespace', id.namespace]] as [string, string][])),
  ];
  for (const [field, value] of fields) {
    const found = dns1123LabelProblems(value);
    if (found.length > 0)
      problems.push(`${field} ${JSON.stringify(value)} does not conform to RFC 1123: ${found.join('; ')}`);
  }
  const section = dns1123LabelProblems(sectionName);
  if (section.length > 0) problems.push(section.join('; '));
  const sni = sniOf(shortName, resource, sectionName);
  if (sni.length > MAX_HOSTNAME)
    problems.push(`computed SNI is ${sni.length} characters which exceeds the DNS hostname limit (${MAX_HOSTNAME})`);
  return problems;
}

/** The deprecations of a destination: a name that is not a DNS-1035 label, an SNI that breaks DNS rules. */
export function destinationWarnings(
  kind: string,
  shortName: string,
  resource: Identified,
  sections: readonly Section[],
): string[] {
  const warnings: string[] = [];
  const name = displayNameOf(resource);
  const nameProblems = dns1035LabelProblems(name);
  if (nameProblems.length > 0)
    warnings.push(
      `Invalid ${kind} resource name: '${name}'. It does not conform to the DNS format (RFC 1035). This is deprecated. Errors: ${nameProblems.join('; ')}`,
    );
  for (const section of sections)
    for (const problem of sniProblems(shortName, resource, section.sectionName))
      warnings.push(
        `Invalid ${kind} SNI (port ${JSON.stringify(section.sectionName)}): ${problem}. This is deprecated.`,
      );
  return warnings;
}
