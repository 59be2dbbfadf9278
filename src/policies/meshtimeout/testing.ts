/**
 * Test support for the MeshTimeout and MeshRetry plugins: one proxy with an
 * HTTP inbound and outbounds to an HTTP, a TCP and a gRPC service, in either
 * flavour, selected by the given policies; its generated configuration as
 * JSON; and the checks every generated resource must pass (Envoy's PGV rules,
 * and for proxyless gRPC, grpc-js-xds's own decoders). Not imported by
 * production code.
 */
import { grpcDecoded } from '../../xds/generate/testing/grpc-decode.js';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { expectGolden } from '../../xds/generate/testing/golden.js';
import { assertConsistent } from '../../xds/generate/testing/consistency.js';
import type { JsonValue } from '@bufbuild/protobuf';
import type { Resource } from '../../api/resource.js';
import { schemaOfType } from '../../xds/resource-types.js';
import { TypeUrl } from '../../xds/resource-types.js';
import type { EncodedResource } from '../../xds/snapshot.js';
import { generateProxyConfig, resourceJson } from '../../xds/generate/index.js';
import type { DestinationContext, ProxyContext, ProxyFlavour } from '../../xds/generate/proxy-context.js';
import { validateMessage } from '../../xds/validate/index.js';
import { policiesForProxy } from '../core/match.js';

const EPOCH = new Date(0);

/** A stored policy in mesh `default`. */
export const storedPolicy = (kind: string, name: string, spec: Record<string, unknown>): Resource => ({
  kind,
  mesh: 'default',
  name,
  labels: {},
  spec,
  version: 1,
  creationTime: EPOCH,
  modificationTime: EPOCH,
});

const destination = (service: string, protocol: DestinationContext['protocol'], address: string): DestinationContext => ({
  service,
  protocol,
  endpoints: [{ address, port: 8080, zone: '', tags: { 'kuma.io/service': service } }],
});

/** Outbound listeners of the Envoy flavour, by destination. */
export const OUTBOUND = { backend: 'outbound:127.0.0.1:10001', db: 'outbound:127.0.0.1:10002', greeter: 'outbound:127.0.0.1:10003' } as const;
export const INBOUND = 'inbound:10.0.0.1:8080';

/** The proxy `web-1` (service web, HTTP on 8080 → 8081) calling backend (http), db (tcp) and greeter (grpc), with `policies` matched as the engine would. */
export function proxyWith(flavour: ProxyFlavour, policies: readonly Resource[]): ProxyContext {
  const tags = { 'kuma.io/service': 'web', 'kuma.io/protocol': 'http' };
  const byKind = new Map<string, Resource[]>();
  for (const p of policies) byKind.set(p.kind, [...(byKind.get(p.kind) ?? []), p]);
  const plain = { name: 'web-1', mesh: 'default', labels: {}, kind: 'Sidecar' as const, inbounds: [{ port: 8080, tags }] };
  // As the engine does: policies that target a MeshHTTPRoute select the proxies that route selects.
  const routes = policiesForProxy(plain, byKind.get('MeshHTTPRoute') ?? []).map(({ policy }) => ({ name: policy.name, labels: policy.labels }));
  const description = { ...plain, routes };
  return {
    mesh: 'default',
    name: 'web-1',
    flavour,
    address: '10.0.0.1',
    inbounds: [{ address: '10.0.0.1', port: 8080, serviceAddress: '127.0.0.1', servicePort: 8081, service: 'web', protocol: 'http', tags }],
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

export interface GeneratedConfig {
  readonly resources: readonly EncodedResource[];
  readonly warnings: readonly string[];
  /** The JSON of the resource of this type and name (fails the test if there is none). */
  json(typeUrl: TypeUrl, name: string): any;
}

export function generate(ctx: ProxyContext): GeneratedConfig {
  const { resources, warnings } = generateProxyConfig(ctx);
  return {
    resources,
    warnings,
    json(typeUrl, name) {
      const found = resources.find((r) => r.typeUrl === typeUrl && r.name === name);
      assert.ok(found, `no ${typeUrl} ${name}`);
      return resourceJson(found) as any;
    },
  };
}

/** The golden document of a configuration: its warnings and every resource but secrets; it must pass the consistency gate. */
export function goldenText(config: GeneratedConfig): string {
  assertConsistent(config.resources);
  return `${JSON.stringify({ warnings: config.warnings, resources: config.resources.map(resourceJson) satisfies JsonValue[] }, null, 2)}\n`;
}

/** Every resource passes the protoc-gen-validate rules Envoy enforces (a violation would be a NACK). */
export function assertValid(config: GeneratedConfig): void {
  for (const resource of config.resources)
    assert.deepEqual(validateMessage(schemaOfType[resource.typeUrl], resource.message), [], `${resource.typeUrl} ${resource.name}`);
}

/** What grpc-js-xds's XdsClient makes of one resource. */
export const grpcDecode = grpcDecoded;

/** The decoded route configuration of a proxyless client's destination. */
export function grpcRoute(config: GeneratedConfig, service: string): Record<string, any> {
  const resource = config.resources.find((r) => r.typeUrl === TypeUrl.RouteConfiguration && r.name === `outbound:${service}`);
  assert.ok(resource, `no route configuration for ${service}`);
  return grpcDecode(resource);
}

/** One test per case: the configuration equals `<dir>/<name>.golden.json` and passes Envoy's validation (and grpc-js-xds's, for gRPC). */
export function testGoldenCases(dir: string, cases: Readonly<Record<string, ProxyContext>>): void {
  for (const [name, ctx] of Object.entries(cases)) {
    test(`${name}: the configuration equals its golden file and passes the consistency gate and Envoy's validation${ctx.flavour === 'grpc' ? ' and grpc-js-xds' : ''}`, () => {
      const config = generate(ctx);
      expectGolden(join(dir, `${name}.golden.json`), goldenText(config));
      assertValid(config);
      if (ctx.flavour === 'grpc') for (const resource of config.resources) grpcDecode(resource);
    });
  }
}
