/**
 * The proxy of the route plugin tests (MeshHTTPRoute, MeshTCPRoute): one
 * caller, `frontend`, and one destination, `backend`, whose endpoints carry
 * `version: v1` (two) or `version: v2` (one), so routes can split traffic
 * between subsets.
 */
import type { Resource } from '../../../api/index.js';
import type { EndpointContext, Protocol, ProxyContext, ProxyFlavour } from '../../../xds/generate/index.js';
import { matchedByKind } from './policies.js';

const endpoint = (address: string, version: string): EndpointContext => ({
  address,
  port: 8080,
  zone: '',
  tags: { 'kuma.io/service': 'backend', version },
});

export interface FrontendOptions {
  /** The protocol of `backend`: http, or grpc for proxyless, by default. */
  readonly protocol?: Protocol;
  /** Mesh mTLS, STRICT. */
  readonly mtls?: boolean;
}

/** The proxy `frontend-1` of `flavour`, with one outbound to `backend` and the given policies selecting it (on no inbound). */
export function frontendProxy(
  flavour: ProxyFlavour,
  policies: readonly Resource[],
  options: FrontendOptions = {},
): ProxyContext {
  return {
    mesh: 'default',
    name: 'frontend-1',
    flavour,
    address: '10.0.0.1',
    inbounds: [],
    outbounds: [{ address: '127.0.0.1', port: 10001, service: 'backend' }],
    destinations: new Map([
      [
        'backend',
        {
          service: 'backend',
          protocol: options.protocol ?? (flavour === 'grpc' ? 'grpc' : 'http'),
          endpoints: [endpoint('10.0.0.2', 'v1'), endpoint('10.0.0.3', 'v1'), endpoint('10.0.0.4', 'v2')],
        },
      ],
    ]),
    policies: matchedByKind(policies, []),
    ...(options.mtls
      ? {
          tls: { mesh: 'default', mode: 'STRICT' as const, trustedRootsPem: 'roots' },
          identity: { certChainPem: 'cert', keyPem: 'key' },
        }
      : {}),
  };
}

/** A backendRef to the subset of `backend` with this version, weighted when a weight is given. */
export const backendSubset = (version: string, weight?: number) => ({
  kind: 'MeshServiceSubset',
  name: 'backend',
  tags: { version },
  ...(weight === undefined ? {} : { weight }),
});
