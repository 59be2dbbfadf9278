/**
 * Kuma resource identifiers (KRI) as the inspection endpoints read and write
 * them: `kri_<short type>_<mesh>_<zone>_<namespace>_<name>_<section>`, empty
 * parts left empty (`kri_mt_default___mt-1_`). The name is the display name
 * (`kuma.io/display-name`, else the resource's name), the zone and namespace
 * come from the `kuma.io/zone` and `k8s.kuma.io/namespace` labels.
 */
import {
  DISPLAY_NAME_LABEL,
  KogumaError,
  KRI_ZONE_LABEL as ZONE_LABEL,
  NAMESPACE_LABEL,
  type Resource,
} from '../../api/index.js';

export interface Kri {
  readonly shortType: string;
  readonly mesh: string;
  readonly zone: string;
  readonly namespace: string;
  readonly name: string;
  readonly sectionName: string;
}

/** A kind's short type (api/kri.ts `kriTypeOf`); undefined for a kind without a KRI. */
export type ShortTypeOf = (kind: string) => string | undefined;

const PARTS = 7;

export const formatKri = (kri: Kri): string =>
  ['kri', kri.shortType, kri.mesh, kri.zone, kri.namespace, kri.name, kri.sectionName].join('_');

/** A request the inspection endpoints cannot answer, worded and titled as Kuma's. */
export const badRequest = (reason: string): KogumaError =>
  new KogumaError('InvalidInput', `bad request: ${reason}`, [], 'Bad Request');

/** Parses a KRI from a URL; a malformed one is a 400 in the words Kuma uses. */
export function parseKri(text: string): Kri {
  const parts = text.split('_');
  if (parts.length !== PARTS) throw badRequest(`invalid identifier string: ${JSON.stringify(text)}`);
  const [prefix = '', shortType = '', mesh = '', zone = '', namespace = '', name = '', sectionName = ''] = parts;
  if (prefix !== 'kri') throw badRequest(`identifier must start with 'kri': ${JSON.stringify(text)}`);
  if (shortType === '') throw badRequest(`identifier has no resource type: ${JSON.stringify(text)}`);
  if (name === '') throw badRequest(`identifier has no name: ${JSON.stringify(text)}`);
  return { shortType, mesh, zone, namespace, name, sectionName };
}

/** The KRI of a stored resource, with a section (an inbound, a port) or without. */
export const kriOf = (resource: Resource, shortType: string, sectionName = ''): Kri => ({
  shortType,
  mesh: resource.mesh,
  zone: resource.labels[ZONE_LABEL] ?? '',
  namespace: resource.labels[NAMESPACE_LABEL] ?? '',
  name: resource.labels[DISPLAY_NAME_LABEL] ?? resource.name,
  sectionName,
});

/** The same resource without its section. */
export const withoutSection = (kri: Kri): Kri => ({ ...kri, sectionName: '' });

export const sameResource = (a: Kri, b: Kri): boolean => formatKri(withoutSection(a)) === formatKri(withoutSection(b));
