/**
 * The hostnames HostnameGenerators give one service (MeshService,
 * MeshExternalService or MeshMultiZoneService), as Kuma's `_hostnames`
 * inspection shows them: each generator whose selector for that kind matches
 * the service's labels renders its template (api/hostname-template.ts) with:
 *
 *   Name         the service's name        DisplayName  `kuma.io/display-name`, else the name
 *   Namespace    `k8s.kuma.io/namespace`   Mesh         the service's mesh
 *   Zone         `kuma.io/zone`, else the first dot-separated part of the name
 *
 * A service synced between zones can carry either origin, so a global control
 * plane tries the selectors with `kuma.io/origin` as zone and as global; a
 * zone tries the service's own origin only. Hostnames come out sorted, each
 * with the zones (sorted) it was generated for.
 */
import {
  parseHostnameTemplate,
  renderHostnameTemplate,
  type HostnameTemplateField,
  type Labels,
  type Resource,
} from '../api/index.js';
import { selectorMatches } from '../policies/core/index.js';

/** The key of `spec.selector` that selects each service kind. */
export const HOSTNAME_SELECTOR_OF: Readonly<Record<string, string>> = {
  MeshService: 'meshService',
  MeshExternalService: 'meshExternalService',
  MeshMultiZoneService: 'meshMultiZoneService',
};

export interface ServiceHostname {
  readonly hostname: string;
  readonly zones: readonly { readonly name: string }[];
}

export type Hostnames = { readonly hostnames: ServiceHostname[] } | { readonly error: string };

const ORIGIN = 'kuma.io/origin';
const ZONE = 'kuma.io/zone';

/** The zone a service was generated for: its zone label, else the zone prefix of a synced name. */
const zoneOf = (service: Resource): string => service.labels[ZONE] || (service.name.split('.')[0] ?? '');

function hostnameOf(service: Resource, labels: Labels, zone: string, generator: Resource): string | { error: string } {
  const template = generator.spec['template'];
  const parsed = parseHostnameTemplate(typeof template === 'string' ? template : '');
  if ('error' in parsed) return { error: `HostnameGenerator "${generator.name}": ${parsed.error}` };
  const fields: Record<HostnameTemplateField, string> = {
    Name: service.name,
    DisplayName: labels['kuma.io/display-name'] ?? service.name,
    Namespace: labels['k8s.kuma.io/namespace'] ?? '',
    Mesh: service.mesh,
    Zone: labels[ZONE] || zone,
  };
  const rendered = renderHostnameTemplate(parsed.template, {
    fields,
    label: (key) => (Object.hasOwn(labels, key) ? labels[key] : undefined),
  });
  return 'error' in rendered
    ? { error: `HostnameGenerator "${generator.name}": ${rendered.error}` }
    : rendered.hostname;
}

export function serviceHostnames(
  service: Resource,
  generators: readonly Resource[],
  options: { readonly global: boolean },
): Hostnames {
  const selectorKey = HOSTNAME_SELECTOR_OF[service.kind];
  const zone = zoneOf(service);
  const origins = options.global ? ['zone', 'global'] : [service.labels[ORIGIN] ?? ''];
  const zonesByHostname = new Map<string, Set<string>>();
  for (const generator of generators) {
    const selector = (generator.spec['selector'] as Record<string, { matchLabels?: Labels }> | undefined)?.[
      selectorKey ?? ''
    ];
    if (selector === undefined) continue;
    for (const origin of origins) {
      const labels = { ...service.labels, [ORIGIN]: origin };
      if (!selectorMatches(selector.matchLabels ?? {}, labels)) continue;
      const hostname = hostnameOf(service, labels, zone, generator);
      if (typeof hostname !== 'string') return hostname;
      if (hostname === '') continue;
      const zones = zonesByHostname.get(hostname) ?? new Set();
      zonesByHostname.set(hostname, zones.add(zone));
    }
  }
  const hostnames = [...zonesByHostname.keys()].sort().map((hostname) => ({
    hostname,
    zones: [...zonesByHostname.get(hostname)!].sort().map((name) => ({ name })),
  }));
  return { hostnames };
}
