/**
 * The proxy of the inbound-side plugin tests (MeshFaultInjection,
 * MeshRateLimit, MeshTLS): an HTTP inbound (gRPC for the proxyless flavour)
 * and, for Envoy, a TCP one, optionally with mesh mTLS, so each plugin shows
 * what it does to both kinds of inbound, in plaintext and behind TLS.
 */
import type { Resource } from '../../../api/index.js';
import type { InboundContext, MtlsMode, ProxyContext, ProxyFlavour } from '../../../xds/generate/index.js';
import { TypeUrl } from '../../../xds/index.js';
import { checkedConfig } from './checked-config.js';
import type { GoldenLayout } from './golden.js';
import { matchedByKind } from './policies.js';
import type { ProxyConfig } from './proxy-build.js';

export interface InboundSideOptions {
  /** Mesh mTLS in this mode; plaintext without. */
  readonly mtls?: MtlsMode;
  /** Which inbounds (positions) each policy selects; all by default. */
  readonly inbounds?: readonly number[];
}

const inbound = (port: number, service: string, protocol: InboundContext['protocol']): InboundContext => ({
  address: '10.0.0.1',
  port,
  serviceAddress: '127.0.0.1',
  servicePort: port + 1,
  service,
  protocol,
  tags: { 'kuma.io/service': service, 'kuma.io/protocol': protocol },
});

// Certificates only in shape: the configuration carries them, nothing parses them.
const meshMtls = (mode: MtlsMode) => ({
  tls: { mesh: 'default', mode, trustedRootsPem: '-----BEGIN CERTIFICATE-----\nUk9PVA==\n-----END CERTIFICATE-----\n' },
  identity: {
    certChainPem: '-----BEGIN CERTIFICATE-----\nTEVBRg==\n-----END CERTIFICATE-----\n',
    keyPem: '-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n',
  },
});

/** The inbound listeners of the Envoy flavour: web (http) and cache (tcp). */
export const WEB = 'inbound:10.0.0.1:8080';
export const CACHE = 'inbound:10.0.0.1:6379';

/**
 * Proxy `web-1`: inbound web on 10.0.0.1:8080 (http; grpc for proxyless) and,
 * for Envoy, inbound cache on 10.0.0.1:6379 (tcp); outbound to `backend`
 * (http; grpc for proxyless) and `db` (tcp). The policies are matched in the
 * order given (lowest priority first, as match.ts would sort them).
 */
export function inboundSideProxy(
  flavour: ProxyFlavour,
  policies: readonly Resource[],
  options: InboundSideOptions = {},
): ProxyContext {
  const inbounds =
    flavour === 'grpc' ? [inbound(8080, 'web', 'grpc')] : [inbound(8080, 'web', 'http'), inbound(6379, 'cache', 'tcp')];
  const endpoint = (address: string, port: number, service: string) => ({
    address,
    port,
    zone: '',
    tags: { 'kuma.io/service': service },
  });
  return {
    mesh: 'default',
    name: 'web-1',
    flavour,
    address: '10.0.0.1',
    inbounds,
    outbounds: [
      { address: '127.0.0.1', port: 10001, service: 'backend' },
      { address: '127.0.0.1', port: 10002, service: 'db' },
    ],
    destinations: new Map([
      [
        'backend',
        {
          service: 'backend',
          protocol: flavour === 'grpc' ? 'grpc' : 'http',
          endpoints: [endpoint('10.0.1.1', 8080, 'backend')],
        },
      ],
      ['db', { service: 'db', protocol: 'tcp', endpoints: [endpoint('10.0.2.1', 5432, 'db')] }],
    ]),
    policies: matchedByKind(policies, options.inbounds ?? inbounds.map((_, i) => i)),
    ...(options.mtls ? meshMtls(options.mtls) : {}),
  };
}

/** The checked configuration of that proxy with these policies (checked-config.ts). */
export const inboundSideConfig = (
  flavour: ProxyFlavour,
  policies: readonly Resource[],
  options: InboundSideOptions = {},
): ProxyConfig => checkedConfig(inboundSideProxy(flavour, policies, options));

/** What the golden files of those plugins hold: listeners and clusters, with the warnings. */
export const inboundSideGolden: GoldenLayout = { types: [TypeUrl.Listener, TypeUrl.Cluster] };
