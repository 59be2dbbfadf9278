/**
 * Test support for the route plugins (MeshHTTPRoute, MeshTCPRoute): a proxy
 * `frontend` with one outbound to `backend`, whose endpoints carry
 * `version: v1` (two) or `version: v2` (one); stored route policies in a few
 * words; the plugin run on the base resources; and the checks every
 * generated message must pass (PGV rules, and grpc-js-xds's own decoders for
 * the proxyless flavour). Not imported by production code.
 */
import { grpcDecoded } from '../../xds/generate/testing/grpc-decode.js';
import assert from 'node:assert/strict';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { Resource } from '../../api/resource.js';
import { ClusterSchema } from '../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../xds/envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema, type RouteConfiguration } from '../../xds/envoy/gen/envoy/config/route/v3/route_pb.js';
import type { Route } from '../../xds/envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { TypeUrl } from '../../xds/resource-types.js';
import { encodeProxyResources } from '../../xds/build/index.js';
import { generateEnvoyResources, generateGrpcResources } from '../../xds/generate/index.js';
import type { EndpointContext, Protocol, ProxyContext, ProxyFlavour } from '../../xds/generate/proxy-context.js';
import type { ProxyResources } from '../../xds/generate/resources.js';
import { validateMessage } from '../../xds/validate/index.js';
import type { PolicyPlugin } from '../core/plugin.js';

const EPOCH = new Date(0);

/** A stored policy of `kind` in mesh `default`. */
export function routePolicy(kind: string, name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): Resource {
  return { kind, mesh: 'default', name, labels, spec, version: 1, creationTime: EPOCH, modificationTime: EPOCH };
}

const endpoint = (address: string, version: string): EndpointContext => ({
  address,
  port: 8080,
  zone: '',
  tags: { 'kuma.io/service': 'backend', version },
});

export interface ProxyOptions {
  readonly protocol?: Protocol;
  readonly mtls?: boolean;
}

/** The proxy `frontend` of `flavour`, with one outbound to `backend` and the given policies selecting it. */
export function frontendProxy(flavour: ProxyFlavour, policies: readonly Resource[], options: ProxyOptions = {}): ProxyContext {
  const byKind = new Map<string, { policy: Resource; inbounds: number[] }[]>();
  for (const policy of policies) byKind.set(policy.kind, [...(byKind.get(policy.kind) ?? []), { policy, inbounds: [] }]);
  return {
    mesh: 'default',
    name: 'frontend-1',
    flavour,
    address: '10.0.0.1',
    inbounds: [],
    outbounds: [{ address: '127.0.0.1', port: 10001, service: 'backend' }],
    destinations: new Map([
      ['backend', { service: 'backend', protocol: options.protocol ?? (flavour === 'grpc' ? 'grpc' : 'http'), endpoints: [endpoint('10.0.0.2', 'v1'), endpoint('10.0.0.3', 'v1'), endpoint('10.0.0.4', 'v2')] }],
    ]),
    policies: byKind,
    ...(options.mtls
      ? {
          tls: { mesh: 'default', mode: 'STRICT' as const, trustedRootsPem: 'roots' },
          identity: { certChainPem: 'cert', keyPem: 'key' },
        }
      : {}),
  };
}

export interface PluginRun {
  readonly base: ProxyResources;
  readonly resources: ProxyResources;
  readonly warnings: string[];
}

/** The base resources of the proxy's flavour, then `plugin` with the proxy's policies of its kind. */
export function runPlugin(plugin: PolicyPlugin, proxy: ProxyContext): PluginRun {
  const base = proxy.flavour === 'grpc' ? generateGrpcResources(proxy) : generateEnvoyResources(proxy);
  const warnings: string[] = [];
  const resources = plugin.apply(base, { proxy, matched: proxy.policies?.get(plugin.kind) ?? [], warn: (m) => warnings.push(m) });
  return { base, resources, warnings };
}

export function routeConfigOf(resources: ProxyResources, name = 'outbound:backend'): RouteConfiguration {
  const config = resources.routeConfigurations.find((c) => c.name === name);
  assert.ok(config, `no route configuration ${name}`);
  return config;
}

export const routesOf = (resources: ProxyResources): Route[] => routeConfigOf(resources).virtualHosts[0]?.routes ?? [];

/** `[cluster, weight]` pairs a route sends to (weight 1 for a single cluster). */
export function clustersOf(route: Route | undefined): [string, number][] {
  assert.ok(route?.action.case === 'route', 'not a forwarding route');
  const specifier = route.action.value.clusterSpecifier;
  if (specifier.case === 'cluster') return [[specifier.value, 1]];
  assert.equal(specifier.case, 'weightedClusters');
  return specifier.value.clusters.map((c) => [c.name, c.weight ?? 0]);
}

/** Every message passes the PGV rules of its .proto files. */
export function assertValidEnvoy(resources: ProxyResources): void {
  const check = <D extends DescMessage>(schema: D, messages: readonly MessageShape<D>[]) => {
    for (const message of messages) assert.deepEqual(validateMessage(schema, message), []);
  };
  check(ListenerSchema, resources.listeners);
  check(RouteConfigurationSchema, resources.routeConfigurations);
  check(ClusterSchema, resources.clusters);
  check(ClusterLoadAssignmentSchema, resources.loadAssignments);
}


/** grpc-js-xds decodes and accepts every resource a gRPC application subscribes to; returns them by name. */
export function decodeWithGrpcJsXds(resources: ProxyResources): Map<string, Record<string, any>> {
  const decoded = new Map<string, Record<string, any>>();
  for (const resource of encodeProxyResources(resources)) {
    if (resource.typeUrl === TypeUrl.Secret) continue; // fetched by dp run, not by the application
    decoded.set(`${resource.typeUrl.split('.').at(-1)}/${resource.name}`, grpcDecoded(resource));
  }
  return decoded;
}
