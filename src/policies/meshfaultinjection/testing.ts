/**
 * Test helpers for the inbound-side plugins (MeshFaultInjection,
 * MeshRateLimit, MeshTLS): a proxy with an HTTP (gRPC, for the proxyless
 * flavour) and, for Envoy, a TCP inbound, optionally with mesh mTLS; its
 * configuration checked by PGV and (gRPC) grpc-js-xds; resources as JSON
 * through the registry of every Envoy type, because the generators' own
 * registry does not know the filters these plugins add.
 * Not imported by production code.
 */
import { grpcDecoded } from '../../xds/generate/testing/grpc-decode.js';
import { assertConsistent } from '../../xds/generate/testing/consistency.js';
import '../../xds/generate/testing/grpc-rbac-env.js';
import assert from 'node:assert/strict';
import { toJson } from '@bufbuild/protobuf';
import { AnySchema } from '@bufbuild/protobuf/wkt';
import type { Resource } from '../../api/resource.js';
import { typeFirst, type ProxyConfig } from '../../xds/generate/index.js';
import type { InboundContext, MtlsMode, ProxyContext, ProxyFlavour } from '../../xds/generate/proxy-context.js';
import { TypeUrl } from '../../xds/resource-types.js';
import type { EncodedResource } from '../../xds/snapshot.js';
import { envoyRegistry } from '../../xds/validate/index.js';
import type { MatchedPolicy } from '../core/match.js';
import { checkedConfig, policy } from '../meshcircuitbreaker/testing.js';

export { policy };

export { grpcDecoded };

export interface ProxyOptions {
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

/**
 * Proxy `web-1`: inbound web on 10.0.0.1:8080 (http; grpc for proxyless) and,
 * for Envoy, inbound cache on 10.0.0.1:6379 (tcp); outbound to `backend`
 * (http) and `db` (tcp). The policies are matched in the order given (lowest
 * priority first, as match.ts would sort them).
 */
export function proxyWith(flavour: ProxyFlavour, policies: readonly Resource[], options: ProxyOptions = {}): ProxyContext {
  const inbounds = flavour === 'grpc' ? [inbound(8080, 'web', 'grpc')] : [inbound(8080, 'web', 'http'), inbound(6379, 'cache', 'tcp')];
  const selected = options.inbounds ?? inbounds.map((_, i) => i);
  const byKind = new Map<string, MatchedPolicy[]>();
  for (const p of policies) byKind.set(p.kind, [...(byKind.get(p.kind) ?? []), { policy: p, inbounds: selected }]);
  const endpoint = (address: string, port: number, service: string) => ({ address, port, zone: '', tags: { 'kuma.io/service': service } });
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
      ['backend', { service: 'backend', protocol: flavour === 'grpc' ? 'grpc' : 'http', endpoints: [endpoint('10.0.1.1', 8080, 'backend')] }],
      ['db', { service: 'db', protocol: 'tcp', endpoints: [endpoint('10.0.2.1', 5432, 'db')] }],
    ]),
    policies: byKind,
    ...(options.mtls
      ? {
          tls: { mesh: 'default', mode: options.mtls, trustedRootsPem: '-----BEGIN CERTIFICATE-----\nUk9PVA==\n-----END CERTIFICATE-----\n' },
          identity: {
            certChainPem: '-----BEGIN CERTIFICATE-----\nTEVBRg==\n-----END CERTIFICATE-----\n',
            keyPem: '-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n',
          },
        }
      : {}),
  };
}

/** The configuration of web-1 with these policies; every resource passes PGV (and grpc-js-xds for gRPC). */
export const configWith = (flavour: ProxyFlavour, policies: readonly Resource[], options: ProxyOptions = {}): ProxyConfig =>
  checkedConfig(proxyWith(flavour, policies, options));

export const jsonOf = (resource: EncodedResource): Record<string, any> =>
  typeFirst(toJson(AnySchema, resource.any, { registry: envoyRegistry })) as Record<string, any>;

export function find(config: ProxyConfig, typeUrl: TypeUrl, name: string): EncodedResource {
  const found = config.resources.find((r) => r.typeUrl === typeUrl && r.name === name);
  assert.ok(found, `no ${typeUrl} ${name}`);
  return found;
}

export const listenerOf = (config: ProxyConfig, name: string): Record<string, any> => jsonOf(find(config, TypeUrl.Listener, name));
export const clusterOf = (config: ProxyConfig, name: string): Record<string, any> => jsonOf(find(config, TypeUrl.Cluster, name));

/** The connection manager of each filter chain of a listener (as JSON), or of its api listener. */
export function hcmsOf(listener: Record<string, any>): Record<string, any>[] {
  const api = listener['apiListener']?.['apiListener'];
  if (api) return [api as Record<string, any>];
  return (listener['filterChains'] as Record<string, any>[]).flatMap((chain) =>
    (chain['filters'] as Record<string, any>[]).filter((f) => f['name'] === 'envoy.filters.network.http_connection_manager').map((f) => f['typedConfig'] as Record<string, any>),
  );
}

export const httpFilterNames = (hcm: Record<string, any>): string[] => (hcm['httpFilters'] as { name: string }[]).map((f) => f.name);

export const networkFilterNames = (listener: Record<string, any>): string[][] =>
  (listener['filterChains'] as Record<string, any>[]).map((chain) => (chain['filters'] as { name: string }[]).map((f) => f.name));

/**
 * Whether Envoy lets a request with this x-kuma-tags value (undefined: no
 * such header) through these header matchers (JSON): all must hold; a regex
 * matches the whole value; a matcher on a missing header fails, inverted or
 * not, unless it treats the header as empty.
 */
export function envoySelects(matchers: readonly Record<string, any>[], header: string | undefined): boolean {
  return matchers.every((matcher) => {
    const value = header ?? (matcher['treatMissingHeaderAsEmpty'] === true ? '' : undefined);
    if (value === undefined) return false;
    const hit = new RegExp(`^(?:${matcher['stringMatch']['safeRegex']['regex'] as string})$`).test(value);
    return matcher['invertMatch'] === true ? !hit : hit;
  });
}

/** Listeners and clusters as golden text, with the warnings; the whole configuration must pass the consistency gate. */
export function goldenText(config: ProxyConfig): string {
  assertConsistent(config.resources);
  return `${JSON.stringify(
    { resources: config.resources.filter((r) => r.typeUrl === TypeUrl.Listener || r.typeUrl === TypeUrl.Cluster).map(jsonOf), warnings: config.warnings },
    null,
    2,
  )}\n`;
}
