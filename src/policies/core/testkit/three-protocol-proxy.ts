/**
 * The proxy of the route-level plugin tests (MeshTimeout, MeshRetry): one
 * destination per protocol (http, tcp, grpc), and the policies matched by the
 * engine itself, so a policy that targets a MeshHTTPRoute reaches the proxy
 * as it would in a mesh.
 */
import type { Resource } from '../../../api/index.js';
import type { DestinationContext, ProxyContext, ProxyFlavour } from '../../../xds/generate/index.js';
import { policiesForProxy } from '../match.js';

const destination = (
  service: string,
  protocol: DestinationContext['protocol'],
  address: string,
): DestinationContext => ({
  service,
  protocol,
  endpoints: [{ address, port: 8080, zone: '', tags: { 'kuma.io/service': service } }],
});

/** Outbound listeners of the Envoy flavour, by destination. */
export const OUTBOUND = {
  backend: 'outbound:127.0.0.1:10001',
  db: 'outbound:127.0.0.1:10002',
  greeter: 'outbound:127.0.0.1:10003',
} as const;
/** The inbound listener of the Envoy flavour. */
export const INBOUND = 'inbound:10.0.0.1:8080';

/** The proxy `web-1` (service web, HTTP on 8080 → 8081) calling backend (http), db (tcp) and greeter (grpc), with `policies` matched as the engine would. */
export function threeProtocolProxy(flavour: ProxyFlavour, policies: readonly Resource[]): ProxyContext {
  const tags = { 'kuma.io/service': 'web', 'kuma.io/protocol': 'http' };
  const byKind = new Map<string, Resource[]>();
  for (const p of policies) byKind.set(p.kind, [...(byKind.get(p.kind) ?? []), p]);
  const plain = {
    name: 'web-1',
    mesh: 'default',
    labels: {},
    kind: 'Sidecar' as const,
    inbounds: [{ port: 8080, tags }],
  };
  // As the engine does: policies that target a MeshHTTPRoute select the proxies that route selects.
  const routes = policiesForProxy(plain, byKind.get('MeshHTTPRoute') ?? []).map(({ policy }) => ({
    name: policy.name,
    labels: policy.labels,
  }));
  const description = { ...plain, routes };
  return {
    mesh: 'default',
    name: 'web-1',
    flavour,
    address: '10.0.0.1',
    inbounds: [
      {
        address: '10.0.0.1',
        port: 8080,
        serviceAddress: '127.0.0.1',
        servicePort: 8081,
        service: 'web',
        protocol: 'http',
        tags,
      },
    ],
    outbounds: [
      { address: '127.0.0.1', port: 10001, service: 'backend' },
      { address: '127.0.0.1', port: 10002, service: 'db' },
      { address: '127.0.0.1', port: 10003, service: 'greeter' },
    ],
    destinations: new Map([
      ['backend', destination('backend', 'http', '10.0.0.2')],
      ['db', destination('db', 'tcp', '10.0.0.3')],
      ['greeter', destination('greeter', 'grpc', '10.0.0.4')],
    ]),
    policies: new Map([...byKind].map(([kind, list]) => [kind, policiesForProxy(description, list)])),
  };
}
