/**
 * The mesh the bench builds, as Dataplane documents, deterministic for a
 * seed: M services with a few endpoint Dataplanes each, one `hub` service
 * every client calls (a stand-in for a mesh-wide change, see
 * docs/benchmarks.md), and N client proxies, each with outbounds to a
 * handful of services chosen by a seeded PRNG (mulberry32).
 */

export const mesh = 'default';
export const hubService = 'hub';

export interface TopologyOptions {
  readonly proxies: number;
  readonly services: number;
  readonly endpointsPerService: number;
  readonly outboundsPerClient: number;
  readonly seed: number;
}

export interface Topology {
  readonly services: readonly string[];
  /** Every Dataplane to PUT before clients connect: endpoints first, then clients. */
  readonly dataplanes: readonly DataplaneDocument[];
  /** Client Dataplane names, in the order of the client pool. */
  readonly clients: readonly string[];
  /** Service → indexes (into `clients`) of the clients with an outbound to it. */
  readonly consumers: ReadonlyMap<string, readonly number[]>;
}

export interface DataplaneDocument {
  readonly type: 'Dataplane';
  readonly mesh: string;
  readonly name: string;
  readonly networking: {
    readonly address: string;
    readonly inbound?: readonly { port: number; tags: Record<string, string> }[];
    readonly outbound?: readonly { port: number; tags: Record<string, string> }[];
  };
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const serviceName = (i: number): string => `svc-${i}`;

/** An endpoint Dataplane of `service`; `serial` makes its name and address unique within the service. */
export function endpointDataplane(service: string, serviceIndex: number, serial: number): DataplaneDocument {
  return {
    type: 'Dataplane',
    mesh,
    name: `${service}-ep-${serial}`,
    networking: {
      address: `10.${1 + (serviceIndex >> 8)}.${serviceIndex & 255}.${1 + serial}`,
      inbound: [{ port: 8080, tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'grpc' } }],
    },
  };
}

/** The hub is service index 4095: addresses 10.16.255.x, clear of the others. */
export const hubEndpoint = (serial: number): DataplaneDocument => endpointDataplane(hubService, 4095, serial);

export function buildTopology(options: TopologyOptions): Topology {
  const random = mulberry32(options.seed);
  const services = Array.from({ length: options.services }, (_, i) => serviceName(i));
  const dataplanes: DataplaneDocument[] = [];
  services.forEach((service, i) => {
    for (let e = 0; e < options.endpointsPerService; e++) dataplanes.push(endpointDataplane(service, i, e));
  });
  for (let e = 0; e < options.endpointsPerService; e++) dataplanes.push(hubEndpoint(e));

  const clients: string[] = [];
  const consumers = new Map<string, number[]>([...services, hubService].map((s) => [s, []]));
  const perClient = Math.min(options.outboundsPerClient, options.services);
  for (let c = 0; c < options.proxies; c++) {
    const name = `client-${c}`;
    const chosen = new Set<string>();
    while (chosen.size < perClient) chosen.add(services[Math.floor(random() * services.length)]!);
    chosen.add(hubService);
    for (const service of chosen) consumers.get(service)!.push(c);
    clients.push(name);
    dataplanes.push({
      type: 'Dataplane',
      mesh,
      name,
      networking: {
        address: `10.${100 + (c >> 16)}.${(c >> 8) & 255}.${c & 255}`,
        inbound: [{ port: 9000, tags: { 'kuma.io/service': 'client', 'kuma.io/protocol': 'grpc' } }],
        outbound: [...chosen].map((service, k) => ({ port: 10001 + k, tags: { 'kuma.io/service': service } })),
      },
    });
  }
  return { services, dataplanes, clients, consumers };
}

/** Deterministic services for the one-service change: spread over the list, each with at least one consumer. */
export function changeTargets(topology: Topology, count: number): string[] {
  const used = topology.services.filter((s) => (topology.consumers.get(s)?.length ?? 0) > 0);
  const step = Math.max(1, Math.floor(used.length / count));
  return Array.from({ length: count }, (_, r) => used[(r * step + Math.floor(step / 2)) % used.length]!);
}
