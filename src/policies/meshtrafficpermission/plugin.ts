/**
 * The MeshTrafficPermission plugin: who may call each inbound, as RBAC
 * (rbac.ts compiles the rules), enforced with mesh mTLS only: a caller is
 * judged by the identity its certificate proves.
 *
 *   from[], rules[] per inbound ─► every TLS filter chain of its listener:
 *     Envoy  inbound:<ip>:<port>    tcp   envoy.filters.network.rbac first, before tcp_proxy
 *                                   http  envoy.filters.http.rbac first in the connection manager
 *     gRPC   grpc/server?...        envoy.filters.http.rbac first in the connection manager
 *            (grpc-js enforces it with GRPC_XDS_EXPERIMENTAL_RBAC=true, which dp run sets)
 *
 * It applies where no MeshTrafficPermission selects the proxy too
 * (`appliesWithoutPolicies`): under mTLS, no permission means no caller may.
 * A plaintext chain (PERMISSIVE) gets no RBAC: its callers have no identity,
 * so RBAC there could only deny them all.
 *
 * Why first in the chain: authorisation comes before anything else an inbound
 * does. This plugin runs in its kind's order (1100), after MeshFaultInjection
 * (800) and MeshRateLimit (900), which insert their filters before the router
 * and before the terminal filter; putting RBAC at the front gives the order
 * those chains have always had, RBAC then theirs, whatever ran before. MeshTLS
 * (300) may have made a listener PERMISSIVE: only chains with a transport
 * socket get RBAC, so its plaintext twin stays without. MeshProxyPatch (9999)
 * runs after and finds RBAC in place.
 *
 * Sharing: the rules of an inbound are resolved once per matched list (shared
 * by proxies selected by the same policies, core/from-rules.ts), compiled once
 * per rules and mesh, and a listener is copied once per generated listener and
 * RBAC content (`defineEdit`, whose key reads each compiled RBAC message once),
 * so a rebuild for an unrelated change reuses the copy it made before, and its
 * encoding.
 */
import type { FilterChain } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import {
  buildHttpRbacFilter,
  buildNetworkRbacFilter,
  editChainConnectionManagers,
  HTTP_CONNECTION_MANAGER_NAME,
  type ProxyContext,
} from '../../xds/generate/index.js';
import {
  defineEdit,
  localClusters,
  onePerObjectPair,
  type ProxyResources,
  statName,
} from '../../xds/generate/index.js';
import {
  fromRules,
  inboundRules,
  type FromRule,
  type InboundRule,
  type MatchedPolicy,
  type PolicyPlugin,
} from '../core/index.js';
import { trafficPermissionRbac, type TrafficPermissionRbac } from './rbac.js';

const NO_FROM_RULES: readonly FromRule[] = Object.freeze([]);
const NO_INBOUND_RULES: readonly InboundRule[] = Object.freeze([]);

/** Compiled RBAC by mesh, once per pair of rule lists (each the same object for as long as its matched list lives). */
const compiledByMesh = onePerObjectPair(
  (_from: readonly FromRule[], _rules: readonly InboundRule[]) => new Map<string, TrafficPermissionRbac>(),
);

function compiledFor(mesh: string, from: readonly FromRule[], rules: readonly InboundRule[]): TrafficPermissionRbac {
  const byMesh = compiledByMesh(from, rules);
  let compiled = byMesh.get(mesh);
  if (compiled === undefined) {
    compiled = trafficPermissionRbac({ mesh, fromRules: from, inboundRules: rules });
    byMesh.set(mesh, compiled);
  }
  return compiled;
}

/** The RBAC of the inbound at `position`: its rules, or none at all (nobody may) when no policy selects it. */
function inboundRbac(mesh: string, matched: readonly MatchedPolicy[], position: number): TrafficPermissionRbac {
  if (matched.length === 0) return compiledFor(mesh, NO_FROM_RULES, NO_INBOUND_RULES);
  return compiledFor(mesh, fromRules(matched, position), inboundRules(matched, position));
}

/** RBAC first in a TLS chain: in each connection manager, or as the first network filter of a chain without one. */
function guardChain(chain: FilterChain, rbac: TrafficPermissionRbac, statPrefix: string): void {
  if (chain.filters.some((filter) => filter.name === HTTP_CONNECTION_MANAGER_NAME)) {
    editChainConnectionManagers(chain, (hcm) => hcm.httpFilters.unshift(buildHttpRbacFilter(rbac)));
  } else {
    chain.filters.unshift(buildNetworkRbacFilter({ ...rbac, statPrefix }));
  }
}

const withRbac = defineEdit(
  'MeshTrafficPermission',
  ListenerSchema,
  (copy, { rbac, statPrefix }: { rbac: TrafficPermissionRbac; statPrefix: string }) => {
    for (const chain of copy.filterChains) if (chain.transportSocket) guardChain(chain, rbac, statPrefix);
  },
);

function guarded(listener: Listener, rbac: TrafficPermissionRbac, statPrefix: string): Listener {
  return listener.filterChains.some((chain) => chain.transportSocket)
    ? withRbac(listener, { rbac, statPrefix })
    : listener;
}

function apply(resources: ProxyResources, proxy: ProxyContext, matched: readonly MatchedPolicy[]): ProxyResources {
  const tls = proxy.tls;
  if (!tls) return resources;
  // A network RBAC filter counts under the stat prefix of the tcp_proxy beside it: that of the inbound's local cluster (Envoy).
  const statPrefixes = new Map(
    localClusters(resources).flatMap(({ cluster, inbounds }) =>
      inbounds.map(({ position }) => [position, statName(cluster.name)] as const),
    ),
  );
  return resources.map('listeners', (listener, origin) =>
    origin.kind === 'inbound'
      ? guarded(listener, inboundRbac(tls.mesh, matched, origin.position), statPrefixes.get(origin.position) ?? '')
      : listener,
  );
}

export const meshTrafficPermissionPlugin = {
  kind: 'MeshTrafficPermission',
  appliesWithoutPolicies: true,
  apply: (resources, { proxy, matched }) => apply(resources, proxy, matched),
} satisfies PolicyPlugin<'MeshTrafficPermission'>;
