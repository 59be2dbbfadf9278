/**
 * The proxy of the cluster-level plugin tests (MeshCircuitBreaker,
 * MeshHealthCheck, MeshLoadBalancingStrategy, MeshProxyPatch): `backend` has
 * endpoints in two zones, so locality-aware settings have something to act on.
 */
import type { Resource } from '../../../api/index.js';
import type { DestinationContext, Protocol, ProxyContext, ProxyFlavour } from '../../../xds/generate/index.js';
import { matchedByKind } from './policies.js';

const endpoint = (address: string, port: number, service: string, zone: string) => ({
  address,
  port,
  zone,
  tags: { 'kuma.io/service': service, 'kuma.io/zone': zone },
});

const destination = (
  service: string,
  protocol: Protocol,
  endpoints: DestinationContext['endpoints'],
): DestinationContext => ({ service, protocol, endpoints });

/**
 * Proxy `web-1` in zone `east`: inbound web (http; grpc for proxyless) on
 * 10.0.0.1:8080, outbound to `backend` (the given protocol, two endpoints in
 * east, one in west) and `db` (tcp, one endpoint in west). Every policy
 * selects the whole proxy.
 */
export function twoZoneProxy(
  flavour: ProxyFlavour,
  policies: readonly Resource[],
  backendProtocol: Protocol = 'http',
): ProxyContext {
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
        protocol: flavour === 'grpc' ? 'grpc' : 'http',
        tags: { 'kuma.io/service': 'web', 'kuma.io/zone': 'east' },
      },
    ],
    outbounds: [
      { address: '127.0.0.1', port: 10001, service: 'backend' },
      { address: '127.0.0.1', port: 10002, service: 'db' },
    ],
    destinations: new Map([
      [
        'backend',
        destination('backend', backendProtocol, [
          endpoint('10.0.1.1', 8080, 'backend', 'east'),
          endpoint('10.0.1.2', 8080, 'backend', 'east'),
          endpoint('10.0.2.1', 8080, 'backend', 'west'),
        ]),
      ],
      ['db', destination('db', 'tcp', [endpoint('10.0.2.2', 5432, 'db', 'west')])],
    ]),
    policies: matchedByKind(policies, [0]),
  };
}
