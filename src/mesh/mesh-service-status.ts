/**
 * A MeshService's status as Kuma's zone keeps it up to date, computed from
 * what is stored when the service is read:
 *
 *   dataplaneProxies  total      Dataplanes the selector stands for
 *                     connected  of those, the ones whose insight has an open subscription
 *                     healthy    of those, the ones with a ready inbound for every port of the
 *                                service (Kuma counts them whether connected or not)
 *   addresses         one per HostnameGenerator giving the service a hostname, by generator name
 *
 * Counts of zero are left out, as Kuma's status leaves them out (an empty
 * `dataplaneProxies` is Kuma's answer for a service selecting nothing).
 */
import type { Resource } from '../api/index.js';
import { serviceHostnames } from './hostnames.js';
import { meshServiceSelects } from './mesh-service-selector.js';

export interface MeshServiceAddress {
  readonly hostname: string;
  readonly origin: 'HostnameGenerator';
  readonly hostnameGeneratorRef: { readonly coreName: string };
}

export interface MeshServiceStatusFacts {
  /** The Dataplanes of the service's mesh. */
  readonly dataplanes: readonly Resource[];
  /** Whether the Dataplane's proxy holds an open xDS subscription. */
  readonly online: (dataplane: Resource) => boolean;
  /** Every HostnameGenerator. */
  readonly generators: readonly Resource[];
  /** A global control plane matches generator selectors with either origin (mesh/hostnames.ts). */
  readonly global: boolean;
}

interface Inbound {
  readonly name?: string;
  readonly port?: number;
  readonly state?: string;
  readonly health?: { readonly ready?: boolean };
}

/** Ready as the engine reads it (dataplane-model.ts): its state, else its health, else ready. */
const isReady = (inbound: Inbound): boolean =>
  (inbound.state ?? (inbound.health?.ready === false ? 'NotReady' : 'Ready')) === 'Ready';

interface ServicePort {
  readonly port: number;
  readonly targetPort?: number | string;
}

/** Kuma's match of an inbound with a port: its number, or its name when the target port is a name. */
const servesPort = (inbound: Inbound, port: ServicePort): boolean => {
  const target = port.targetPort ?? port.port;
  return typeof target === 'number' ? inbound.port === target : inbound.name === target;
};

const nonZero = (counts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).filter(([, count]) => count !== 0));

export function meshServiceStatusOf(
  service: Resource,
  facts: MeshServiceStatusFacts,
): { dataplaneProxies: Record<string, number>; addresses?: MeshServiceAddress[] } {
  const ports = (service.spec['ports'] as readonly ServicePort[] | undefined) ?? [];
  let total = 0;
  let connected = 0;
  let healthy = 0;
  for (const dataplane of facts.dataplanes) {
    if (dataplane.mesh !== service.mesh || !meshServiceSelects(service.spec, dataplane)) continue;
    total++;
    if (facts.online(dataplane)) connected++;
    const inbounds = (dataplane.spec['networking'] as { inbound?: readonly Inbound[] } | undefined)?.inbound ?? [];
    if (ports.every((port) => inbounds.some((inbound) => isReady(inbound) && servesPort(inbound, port)))) healthy++;
  }
  const addresses: MeshServiceAddress[] = [];
  for (const generator of [...facts.generators].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    // A generator whose template fails gives no address (Kuma reports it in the generator's condition instead).
    const answer = serviceHostnames(service, [generator], { global: facts.global });
    if ('error' in answer) continue;
    for (const { hostname } of answer.hostnames)
      addresses.push({ hostname, origin: 'HostnameGenerator', hostnameGeneratorRef: { coreName: generator.name } });
  }
  return {
    dataplaneProxies: nonZero({ connected, healthy, total }),
    ...(addresses.length > 0 ? { addresses } : {}),
  };
}
