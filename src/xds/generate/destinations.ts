/**
 * From a proxy's destinations to what both flavours build from them: the list
 * of services to make clusters for, and each one's endpoints as localities.
 *
 * Endpoints are grouped by zone (`kuma.io/zone`), one locality per zone, each
 * weighted by its endpoint count, so traffic is spread per endpoint and not
 * per zone. Two guards keep one bad endpoint from costing the whole resource:
 * an endpoint whose address is not an IP literal is left out (Envoy rejects
 * EDS hosts that are not IPs; grpc-js-xds `endpoint-resource-type.js` rejects
 * the assignment: "address is not a valid IPv4 or IPv6 address"), and a
 * repeated address:port is kept once (grpc-js-xds: "address is a duplicate of
 * another address in the same endpoint").
 */
import { isIP } from 'node:net';
import type { LocalityInput } from './builders/index.js';
import { hostPort } from './names.js';
import type { DestinationContext, EndpointContext, ProxyContext } from './proxy-context.js';

export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface HostPort {
  readonly address: string;
  readonly port: number;
}

export const byAddressThenPort = (a: HostPort, b: HostPort): number =>
  byString(a.address, b.address) || a.port - b.port;

/**
 * Every destination the proxy needs a cluster for, sorted by service: those in
 * `destinations` and any an outbound names without one (a tcp destination with
 * no endpoints, so the proxy gets an empty cluster rather than a dangling name).
 */
export function destinationsOf(ctx: ProxyContext): DestinationContext[] {
  const found = new Map<string, DestinationContext>(ctx.destinations);
  for (const outbound of ctx.outbounds) {
    if (!found.has(outbound.service))
      found.set(outbound.service, { service: outbound.service, protocol: 'tcp', endpoints: [] });
  }
  return [...found.values()].sort((a, b) => byString(a.service, b.service));
}

/** The destination an outbound names (see `destinationsOf` for a missing one). */
export function destinationOf(ctx: ProxyContext, service: string): DestinationContext {
  return ctx.destinations.get(service) ?? { service, protocol: 'tcp', endpoints: [] };
}

/** A destination's endpoints as localities, one per zone, zones sorted ('' first). */
export function localitiesOf(destination: DestinationContext): LocalityInput[] {
  // Sorted first, so which copy of a repeated endpoint is kept does not depend on input order.
  const endpoints = [...destination.endpoints].sort((a, b) => byAddressThenPort(a, b) || byString(a.zone, b.zone));
  const seen = new Set<string>();
  const byZone = new Map<string, EndpointContext[]>();
  for (const endpoint of endpoints) {
    const key = hostPort(endpoint.address, endpoint.port);
    if (isIP(endpoint.address) === 0 || seen.has(key)) continue;
    seen.add(key);
    byZone.set(endpoint.zone, [...(byZone.get(endpoint.zone) ?? []), endpoint]);
  }
  return [...byZone.entries()]
    .sort(([a], [b]) => byString(a, b))
    .map(([zone, inZone]) => ({
      zone,
      weight: inZone.length,
      endpoints: inZone.map(({ address, port, tags }) => ({ address, port, tags: sortedTags(tags) })),
    }));
}

/** Tags with their keys in order, so equal tags encode to equal bytes. */
export function sortedTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => byString(a, b)));
}

export const isHttpProtocol = (protocol: DestinationContext['protocol']): boolean => protocol !== 'tcp';
export const isHttp2Protocol = (protocol: DestinationContext['protocol']): boolean =>
  protocol === 'http2' || protocol === 'grpc';
