/**
 * A generated configuration as a test reads it: one resource found by type
 * and name, as protobuf-es JSON (xds/generate/json.ts: every typed config
 * expanded, `@type` first), and the parts of listeners tests look at most.
 */
import assert from 'node:assert/strict';
import { resourceJson } from '../../../xds/generate/index.js';
import { TypeUrl, type EncodedResource } from '../../../xds/index.js';

export { resourceJson };

interface Resources {
  readonly resources: readonly EncodedResource[];
}

/** One resource by type and name; fails the test when there is none. */
export function findResource(config: Resources, typeUrl: TypeUrl, name: string): EncodedResource {
  const found = config.resources.find((r) => r.typeUrl === typeUrl && r.name === name);
  assert.ok(found, `no ${typeUrl} ${name}`);
  return found;
}

/** One resource by type and name, as JSON; fails the test when there is none. */
export const resourceOf = (config: Resources, typeUrl: TypeUrl, name: string): Record<string, any> =>
  resourceJson(findResource(config, typeUrl, name)) as Record<string, any>;

/** One resource as JSON, or undefined when the configuration has none of that name (for tests of resources added or removed). */
export function optionalResourceOf(config: Resources, typeUrl: TypeUrl, name: string): Record<string, any> | undefined {
  const found = config.resources.find((r) => r.typeUrl === typeUrl && r.name === name);
  return found && (resourceJson(found) as Record<string, any>);
}

/** The names of the resources of one type, in configuration order. */
export const resourceNames = (config: Resources, typeUrl: TypeUrl): string[] =>
  config.resources.filter((r) => r.typeUrl === typeUrl).map((r) => r.name);

export const listenerOf = (config: Resources, name: string): Record<string, any> =>
  resourceOf(config, TypeUrl.Listener, name);
export const clusterOf = (config: Resources, name: string): Record<string, any> =>
  resourceOf(config, TypeUrl.Cluster, name);

const HCM = 'envoy.filters.network.http_connection_manager';

/** The connection manager of each filter chain of a listener (as JSON), or of its api listener. */
export function hcmsOf(listener: Record<string, any>): Record<string, any>[] {
  const api = listener['apiListener']?.['apiListener'];
  if (api) return [api as Record<string, any>];
  return (listener['filterChains'] as Record<string, any>[]).flatMap((chain) =>
    (chain['filters'] as Record<string, any>[])
      .filter((f) => f['name'] === HCM)
      .map((f) => f['typedConfig'] as Record<string, any>),
  );
}

/** The connection manager of a listener: its first chain's, or its api listener's; fails the test when there is none. */
export function hcmOf(listener: Record<string, any>): Record<string, any> {
  const api = listener['apiListener']?.['apiListener'];
  if (api) return api as Record<string, any>;
  const filter = (listener['filterChains'][0]['filters'] as Record<string, any>[]).find((f) => f['name'] === HCM);
  assert.ok(filter, 'no HCM');
  return filter['typedConfig'] as Record<string, any>;
}

/** The `name`s of a connection manager's HTTP filters, in order. */
export const httpFilterNames = (hcm: Record<string, any>): string[] =>
  (hcm['httpFilters'] as { name: string }[]).map((f) => f.name);

/** The `name`s of the network filters of each filter chain of a listener (a chain without filters gives none). */
export const networkFilterNames = (listener: Record<string, any>): string[][] =>
  (listener['filterChains'] as Record<string, any>[]).map((chain) =>
    ((chain['filters'] ?? []) as { name: string }[]).map((f) => f.name),
  );
