/**
 * Test helpers for the matching engine tests (selection, specificity, match,
 * to-rules, from-rules): stored policies and proxy descriptions in a few
 * words. Not imported by production code.
 */
import type { Labels, Resource } from '../../api/resource.js';
import type { ProxyDescription, ProxyInbound, ServingGateway } from './selection.js';
import { storedPolicy } from './testkit/policies.js';

/** A stored policy of kind MeshTimeout (the kind does not matter to the engine) in mesh `default`. */
export const policy = (name: string, spec: Record<string, unknown>, labels: Labels = {}, mesh = 'default'): Resource =>
  storedPolicy('MeshTimeout', name, spec, labels, mesh);

/** An inbound of `service` on `port`, with extra tags. */
export const inbound = (
  service: string,
  port: number,
  tags: Labels = {},
  extra: Partial<ProxyInbound> = {},
): ProxyInbound => ({
  tags: { 'kuma.io/service': service, ...tags },
  port,
  ...extra,
});

/** A sidecar in mesh `default`. */
export const sidecar = (name: string, inbounds: readonly ProxyInbound[], labels: Labels = {}): ProxyDescription => ({
  name,
  mesh: 'default',
  labels,
  kind: 'Sidecar',
  inbounds,
});

/** A delegated gateway in mesh `default`: no inbounds, its gateway tags instead. */
export const gateway = (name: string, service: string, labels: Labels = {}): ProxyDescription => ({
  name,
  mesh: 'default',
  labels,
  kind: 'Gateway',
  inbounds: [],
  gatewayTags: { 'kuma.io/service': service },
});

/** A builtin gateway in mesh `default` with these gateway tags, served by `servedBy` (or by no MeshGateway). */
export const builtinGateway = (
  name: string,
  tags: Labels,
  servedBy?: ServingGateway,
  labels: Labels = {},
): ProxyDescription => ({
  name,
  mesh: 'default',
  labels,
  kind: 'Gateway',
  inbounds: [],
  gatewayTags: tags,
  builtin: true,
  ...(servedBy === undefined ? {} : { servedBy }),
});
