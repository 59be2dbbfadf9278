/**
 * Test helpers for the cluster-level policy plugins (MeshCircuitBreaker,
 * MeshHealthCheck, MeshLoadBalancingStrategy): a two-zone proxy of either
 * flavour with the policies of one kind, its generated configuration, and the
 * two independent judges every message must satisfy: Envoy's
 * protoc-gen-validate rules, and (gRPC flavour) grpc-js-xds's own decoders.
 * Not imported by production code.
 */
import { grpcDecoded } from '../../xds/generate/testing/grpc-decode.js';
import { assertConsistent } from '../../xds/generate/testing/consistency.js';
import '../../xds/generate/testing/grpc-rbac-env.js';
import assert from 'node:assert/strict';
import type { Resource } from '../../api/resource.js';
import { generateProxyConfig, resourceJson, type ProxyConfig } from '../../xds/generate/index.js';
import type { DestinationContext, Protocol, ProxyContext, ProxyFlavour } from '../../xds/generate/proxy-context.js';
import { schemaOfType, TypeUrl } from '../../xds/resource-types.js';
import { validateMessage } from '../../xds/validate/index.js';
import type { MatchedPolicy } from '../core/match.js';

/** A stored policy of `kind` in mesh `default`. */
export function policy(kind: string, name: string, spec: Record<string, unknown>): Resource {
  const time = new Date(0);
  return { kind, mesh: 'default', name, labels: {}, version: 1, creationTime: time, modificationTime: time, spec };
}

const endpoint = (address: string, port: number, service: string, zone: string) => ({
  address,
  port,
  zone,
  tags: { 'kuma.io/service': service, 'kuma.io/zone': zone },
});

const destination = (service: string, protocol: Protocol, endpoints: DestinationContext['endpoints']): DestinationContext => ({ service, protocol, endpoints });

/**
 * Proxy `web-1` in zone `east`: inbound web (http) on 10.0.0.1:8080, outbound
 * to `backend` (the given protocol, two endpoints in east, one in west) and
 * `db` (tcp, one endpoint in west). Every policy selects the whole proxy.
 */
export function proxyWith(flavour: ProxyFlavour, policies: readonly Resource[], backendProtocol: Protocol = 'http'): ProxyContext {
  const matched: MatchedPolicy[] = policies.map((p) => ({ policy: p, inbounds: [0] }));
  const kinds = new Map<string, MatchedPolicy[]>();
  for (const match of matched) kinds.set(match.policy.kind, [...(kinds.get(match.policy.kind) ?? []), match]);
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
    policies: kinds,
  };
}

export { grpcDecoded };

/** The proxy's configuration, after checking every resource passes PGV and, for gRPC, grpc-js-xds. */
export function checkedConfig(ctx: ProxyContext): ProxyConfig {
  const config = generateProxyConfig(ctx);
  for (const resource of config.resources) {
    assert.deepEqual(validateMessage(schemaOfType[resource.typeUrl], resource.message), [], `${resource.typeUrl} ${resource.name}`);
    if (ctx.flavour === 'grpc' && resource.typeUrl !== TypeUrl.Secret) grpcDecoded(resource);
  }
  return config;
}

/** One resource by type and name, as protobuf-es JSON. */
export function resourceOf(config: ProxyConfig, typeUrl: TypeUrl, name: string): Record<string, any> {
  const found = config.resources.find((r) => r.typeUrl === typeUrl && r.name === name);
  assert.ok(found, `no ${typeUrl} ${name}`);
  return resourceJson(found) as Record<string, any>;
}

/** The resources of the given types as golden text; the whole configuration must pass the consistency gate. */
export function goldenText(config: ProxyConfig, typeUrls: readonly TypeUrl[]): string {
  assertConsistent(config.resources);
  const picked = config.resources.filter((r) => typeUrls.includes(r.typeUrl)).map(resourceJson);
  return `${JSON.stringify({ resources: picked, warnings: config.warnings }, null, 2)}\n`;
}
