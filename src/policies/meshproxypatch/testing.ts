/**
 * Test helpers for MeshProxyPatch: a patch in a few words, and the checked
 * configuration of the two-zone proxy of the test kit (inbound web on
 * 10.0.0.1:8080, outbounds backend and db) with the patches given.
 * Not imported by production code.
 */
import type { Resource } from '../../api/resource.js';
import type { ProxyFlavour } from '../../xds/generate/proxy-context.js';
import { checkedConfig, storedPolicy, twoZoneProxy, type ProxyConfig } from '../core/testkit/index.js';

/** A MeshProxyPatch selecting the whole mesh. */
export const proxyPatch = (name: string, ...appendModifications: unknown[]): Resource =>
  storedPolicy('MeshProxyPatch', name, { targetRef: { kind: 'Mesh' }, default: { appendModifications } });

/** The configuration of proxy web-1 with these policies; every resource passes PGV (and grpc-js-xds for gRPC). */
export const configWith = (flavour: ProxyFlavour, ...policies: Resource[]): ProxyConfig =>
  checkedConfig(twoZoneProxy(flavour, policies));
