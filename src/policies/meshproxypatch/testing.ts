/**
 * Test helpers for MeshProxyPatch: a proxy of either flavour (the two-zone
 * proxy of the cluster-level plugins' helpers: inbound web on 10.0.0.1:8080,
 * outbounds backend and db) with MeshProxyPatch policies, its checked
 * configuration, and resources as JSON through the registry of every Envoy
 * type, since a patch may add typed configs the generators never make.
 * Not imported by production code.
 */
import assert from 'node:assert/strict';
import type { Resource } from '../../api/resource.js';
import type { ProxyConfig } from '../../xds/generate/index.js';
import type { ProxyFlavour } from '../../xds/generate/proxy-context.js';
import type { TypeUrl } from '../../xds/resource-types.js';
import { assertConsistent } from '../../xds/generate/testing/consistency.js';
import { checkedConfig, policy, proxyWith } from '../meshcircuitbreaker/testing.js';
import { find, jsonOf } from '../meshfaultinjection/testing.js';

export { grpcDecoded } from '../meshcircuitbreaker/testing.js';

/** A MeshProxyPatch selecting the whole mesh. */
export const proxyPatch = (name: string, ...appendModifications: unknown[]): Resource =>
  policy('MeshProxyPatch', name, { targetRef: { kind: 'Mesh' }, default: { appendModifications } });

/** The configuration of proxy web-1 with these policies; every resource passes PGV (and grpc-js-xds for gRPC). */
export const configWith = (flavour: ProxyFlavour, ...policies: Resource[]): ProxyConfig => checkedConfig(proxyWith(flavour, policies));

export { find, jsonOf };

/** One resource as JSON, or undefined when the configuration has none of that name. */
export const resourceOf = (config: ProxyConfig, typeUrl: TypeUrl, name: string): Record<string, any> | undefined => {
  const found = config.resources.find((r) => r.typeUrl === typeUrl && r.name === name);
  return found && jsonOf(found);
};

export const names = (config: ProxyConfig, typeUrl: TypeUrl): string[] => config.resources.filter((r) => r.typeUrl === typeUrl).map((r) => r.name);

/** The `name`s of the network filters of each filter chain of a listener (as JSON). */
export const networkFilterNames = (listener: Record<string, any>): string[][] =>
  (listener['filterChains'] as Record<string, any>[]).map((chain) => ((chain['filters'] ?? []) as { name: string }[]).map((f) => f.name));

/** The HttpConnectionManager of a listener: the first chain's HCM filter, or the api listener's. */
export function hcmOf(listener: Record<string, any>): Record<string, any> {
  const api = listener['apiListener']?.['apiListener'];
  if (api) return api as Record<string, any>;
  const filter = (listener['filterChains'][0]['filters'] as Record<string, any>[]).find((f) => f['name'] === 'envoy.filters.network.http_connection_manager');
  assert.ok(filter, 'no HCM');
  return filter['typedConfig'] as Record<string, any>;
}

export const httpFilterNames = (listener: Record<string, any>): string[] => (hcmOf(listener)['httpFilters'] as { name: string }[]).map((f) => f.name);

/** Resources and warnings as golden text; the whole configuration must pass the consistency gate. */
export function goldenText(config: ProxyConfig, typeUrls: readonly TypeUrl[]): string {
  assertConsistent(config.resources);
  return `${JSON.stringify({ resources: config.resources.filter((r) => typeUrls.includes(r.typeUrl)).map(jsonOf), warnings: config.warnings }, null, 2)}\n`;
}
