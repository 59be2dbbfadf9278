/**
 * The names one xDS resource refers to that the same snapshot must hold for
 * the resource to work:
 *
 *   Listener ─┬─ filter chains (and the default chain)
 *             │    ├─ HttpConnectionManager ─┬─ rds.route_config_name ───► RouteConfiguration
 *             │    │                         └─ route_config (inline) ─────► Cluster
 *             │    ├─ TcpProxy: cluster, weighted_clusters ───────────────► Cluster
 *             │    └─ transport_socket: DownstreamTlsContext (SDS) ───────► Secret
 *             └─ api_listener (proxyless gRPC client): HttpConnectionManager, as above
 *   RouteConfiguration: route actions (cluster, weighted_clusters),
 *                       request mirror policies (routes, virtual hosts) ──► Cluster
 *   Cluster ─┬─ type EDS: eds_cluster_config.service_name, else its name ─► ClusterLoadAssignment
 *            └─ transport_socket(s): UpstreamTlsContext (SDS) ────────────► Secret
 *
 * Only what this control plane serves is a reference: a route configuration,
 * endpoint set or secret whose config source is ADS (or `self`, or, for RDS
 * and EDS, not given). An SDS secret without a config source is a static one
 * from Envoy's bootstrap, and proxyless gRPC names certificate provider
 * instances of its bootstrap instead of secrets: neither is in a snapshot.
 * A cluster chosen at request time (cluster_header, a specifier plugin) names
 * nothing that can be checked beforehand.
 *
 * Listeners and clusters are read from their messages; what they pack in
 * `Any` fields (connection managers, TCP proxies, TLS contexts), and route
 * configurations, from the bytes the proxy receives, field by field
 * (wire-fields.ts): decoding them whole would cost more than building them.
 * Generated messages are shared between proxies and never changed after they
 * are built (generate/shared.ts), so each message object is read once and its
 * references kept as long as it lives: a mesh-wide rebuild does not read a
 * shared cluster or route configuration again for every proxy that holds it.
 */
import type { DescMessage } from '@bufbuild/protobuf';
import { anyIs, type Any } from '@bufbuild/protobuf/wkt';
import { Cluster_DiscoveryType, type Cluster } from './envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import type { TransportSocket } from './envoy/gen/envoy/config/core/v3/base_pb.js';
import { ConfigSourceSchema, type ConfigSource } from './envoy/gen/envoy/config/core/v3/config_source_pb.js';
import type { Listener } from './envoy/gen/envoy/config/listener/v3/listener_pb.js';
import {
  RouteAction_RequestMirrorPolicySchema,
  RouteActionSchema,
  RouteSchema,
  VirtualHostSchema,
  WeightedCluster_ClusterWeightSchema,
  WeightedClusterSchema,
} from './envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { RouteConfigurationSchema } from './envoy/gen/envoy/config/route/v3/route_pb.js';
import {
  HttpConnectionManagerSchema,
  RdsSchema,
} from './envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import {
  TcpProxy_WeightedCluster_ClusterWeightSchema,
  TcpProxy_WeightedClusterSchema,
  TcpProxySchema,
} from './envoy/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';
import { SdsSecretConfigSchema } from './envoy/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import {
  CommonTlsContext_CombinedCertificateValidationContextSchema,
  CommonTlsContextSchema,
  DownstreamTlsContextSchema,
  UpstreamTlsContextSchema,
} from './envoy/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import { TypeUrl } from './resource-types.js';
import type { EncodedResource } from './snapshot.js';
import { fieldNumber, fieldsSet, fieldValues, stringField } from './wire-fields.js';

export interface Reference {
  /** The type and name of the resource referred to. */
  readonly typeUrl: TypeUrl;
  readonly name: string;
  /** How the holder refers to it, read as "<holder> <verb> <type> <name>": `names`, `routes to`. */
  readonly verb: string;
  /** Where inside the holder, when not the holder itself: `inline route configuration inbound:web`. */
  readonly via?: string;
}

/** Field numbers by name, from the generated schema. */
const numbers = <const N extends string>(schema: DescMessage, ...names: N[]): Readonly<Record<N, number>> =>
  Object.fromEntries(names.map((name) => [name, fieldNumber(schema, name)])) as Record<N, number>;

const HCM = numbers(HttpConnectionManagerSchema, 'rds', 'routeConfig');
const RDS = numbers(RdsSchema, 'configSource', 'routeConfigName');
const SOURCE = numbers(ConfigSourceSchema, 'ads', 'self', 'path', 'pathConfigSource', 'apiConfigSource');
const ROUTES = numbers(RouteConfigurationSchema, 'name', 'virtualHosts');
const VIRTUAL_HOST = numbers(VirtualHostSchema, 'routes', 'requestMirrorPolicies');
const ROUTE = numbers(RouteSchema, 'route');
const ACTION = numbers(RouteActionSchema, 'cluster', 'weightedClusters', 'requestMirrorPolicies');
const WEIGHTED = numbers(WeightedClusterSchema, 'clusters');
const WEIGHT = numbers(WeightedCluster_ClusterWeightSchema, 'name');
const MIRROR = numbers(RouteAction_RequestMirrorPolicySchema, 'cluster');
const TCP = numbers(TcpProxySchema, 'cluster', 'weightedClusters');
const TCP_WEIGHTED = numbers(TcpProxy_WeightedClusterSchema, 'clusters');
const TCP_WEIGHT = numbers(TcpProxy_WeightedCluster_ClusterWeightSchema, 'name');
const DOWNSTREAM = numbers(DownstreamTlsContextSchema, 'commonTlsContext', 'sessionTicketKeysSdsSecretConfig');
const UPSTREAM = numbers(UpstreamTlsContextSchema, 'commonTlsContext');
const COMMON = numbers(
  CommonTlsContextSchema,
  'tlsCertificateSdsSecretConfigs',
  'validationContextSdsSecretConfig',
  'combinedValidationContext',
);
const COMBINED = numbers(
  CommonTlsContext_CombinedCertificateValidationContextSchema,
  'validationContextSdsSecretConfig',
);
const SDS = numbers(SdsSecretConfigSchema, 'name', 'sdsConfig');

/** Where a config source says a resource comes from: this proxy's ADS stream, somewhere else, or not said. */
type Source = 'here' | 'elsewhere' | 'unsaid';

function sourceOf(source: ConfigSource | undefined): Source {
  const specifier = source?.configSourceSpecifier.case;
  if (specifier === undefined) return 'unsaid';
  return specifier === 'ads' || specifier === 'self' ? 'here' : 'elsewhere';
}

const SOURCE_SPECIFIERS = Object.values(SOURCE);
function encodedSourceOf(source: Uint8Array | undefined): Source {
  if (source === undefined) return 'unsaid';
  const set = fieldsSet(source, SOURCE_SPECIFIERS);
  if (set.has(SOURCE.ads) || set.has(SOURCE.self)) return 'here';
  return set.size > 0 ? 'elsewhere' : 'unsaid';
}

/** Collects references once each, in the order first met. */
class References {
  readonly #byKey = new Map<string, Reference>();

  add(typeUrl: TypeUrl, name: string, verb: string, via?: string): void {
    if (name === '') return;
    const key = `${typeUrl}\u0000${name}\u0000${verb}\u0000${via ?? ''}`;
    if (!this.#byKey.has(key))
      this.#byKey.set(key, via === undefined ? { typeUrl, name, verb } : { typeUrl, name, verb, via });
  }

  list(): readonly Reference[] {
    return [...this.#byKey.values()];
  }
}

const each = (message: Uint8Array, number: number): Uint8Array[] => fieldValues(message, number);

function addMirrors(out: References, holder: Uint8Array, number: number, via: string | undefined): void {
  for (const mirror of each(holder, number))
    out.add(TypeUrl.Cluster, stringField(mirror, MIRROR.cluster), 'mirrors to', via);
}

/** An encoded route configuration: the clusters its routes send to, split among or mirror to. */
function addRouteClusters(out: References, config: Uint8Array, via: string | undefined): void {
  for (const virtualHost of each(config, ROUTES.virtualHosts)) {
    addMirrors(out, virtualHost, VIRTUAL_HOST.requestMirrorPolicies, via);
    for (const route of each(virtualHost, VIRTUAL_HOST.routes)) {
      for (const action of each(route, ROUTE.route)) {
        out.add(TypeUrl.Cluster, stringField(action, ACTION.cluster), 'routes to', via);
        for (const split of each(action, ACTION.weightedClusters)) {
          for (const weight of each(split, WEIGHTED.clusters))
            out.add(TypeUrl.Cluster, stringField(weight, WEIGHT.name), 'routes to', via);
        }
        addMirrors(out, action, ACTION.requestMirrorPolicies, via);
      }
    }
  }
}

/** A network filter's packed config: a connection manager's routes, or a TCP proxy's clusters. */
function addNetworkFilter(out: References, config: Any): void {
  if (anyIs(config, HttpConnectionManagerSchema)) {
    for (const rds of each(config.value, HCM.rds)) {
      if (encodedSourceOf(each(rds, RDS.configSource).at(-1)) !== 'elsewhere')
        out.add(TypeUrl.RouteConfiguration, stringField(rds, RDS.routeConfigName), 'names');
    }
    for (const inline of each(config.value, HCM.routeConfig))
      addRouteClusters(out, inline, `inline route configuration ${stringField(inline, ROUTES.name)}`);
  } else if (anyIs(config, TcpProxySchema)) {
    out.add(TypeUrl.Cluster, stringField(config.value, TCP.cluster), 'proxies TCP to');
    for (const split of each(config.value, TCP.weightedClusters)) {
      for (const weight of each(split, TCP_WEIGHTED.clusters))
        out.add(TypeUrl.Cluster, stringField(weight, TCP_WEIGHT.name), 'proxies TCP to');
    }
  }
}

function addSdsSecrets(out: References, holder: Uint8Array, number: number): void {
  for (const sds of each(holder, number)) {
    if (encodedSourceOf(each(sds, SDS.sdsConfig).at(-1)) === 'here')
      out.add(TypeUrl.Secret, stringField(sds, SDS.name), 'names');
  }
}

/** A transport socket's packed TLS context: the SDS secrets it names. */
function addTransportSocketSecrets(out: References, socket: TransportSocket | undefined): void {
  if (socket?.configType.case !== 'typedConfig') return;
  const config = socket.configType.value;
  const downstream = anyIs(config, DownstreamTlsContextSchema);
  if (!downstream && !anyIs(config, UpstreamTlsContextSchema)) return;
  for (const common of each(config.value, downstream ? DOWNSTREAM.commonTlsContext : UPSTREAM.commonTlsContext)) {
    addSdsSecrets(out, common, COMMON.tlsCertificateSdsSecretConfigs);
    addSdsSecrets(out, common, COMMON.validationContextSdsSecretConfig);
    for (const combined of each(common, COMMON.combinedValidationContext))
      addSdsSecrets(out, combined, COMBINED.validationContextSdsSecretConfig);
  }
  if (downstream) addSdsSecrets(out, config.value, DOWNSTREAM.sessionTicketKeysSdsSecretConfig);
}

function listenerReferences(listener: Listener): readonly Reference[] {
  const out = new References();
  const api = listener.apiListener?.apiListener;
  if (api !== undefined) addNetworkFilter(out, api);
  const chains =
    listener.defaultFilterChain === undefined
      ? listener.filterChains
      : [...listener.filterChains, listener.defaultFilterChain];
  for (const chain of chains) {
    for (const filter of chain.filters)
      if (filter.configType.case === 'typedConfig') addNetworkFilter(out, filter.configType.value);
    addTransportSocketSecrets(out, chain.transportSocket);
  }
  return out.list();
}

function clusterReferences(cluster: Cluster): readonly Reference[] {
  const out = new References();
  const discovery = cluster.clusterDiscoveryType;
  if (
    discovery.case === 'type' &&
    discovery.value === Cluster_DiscoveryType.EDS &&
    sourceOf(cluster.edsClusterConfig?.edsConfig) !== 'elsewhere'
  ) {
    out.add(
      TypeUrl.ClusterLoadAssignment,
      cluster.edsClusterConfig?.serviceName || cluster.name,
      'takes its endpoints from',
    );
  }
  addTransportSocketSecrets(out, cluster.transportSocket);
  for (const match of cluster.transportSocketMatches) addTransportSocketSecrets(out, match.transportSocket);
  return out.list();
}

function routeConfigurationReferences(encoded: Uint8Array): readonly Reference[] {
  const out = new References();
  addRouteClusters(out, encoded, undefined);
  return out.list();
}

const NONE: readonly Reference[] = Object.freeze([]);
const known = new WeakMap<object, readonly Reference[]>();

/** What an encoded resource refers to; read once per message object. */
export function referencesOf(resource: Pick<EncodedResource, 'typeUrl' | 'message' | 'any'>): readonly Reference[] {
  let references = known.get(resource.message);
  if (references !== undefined) return references;
  switch (resource.typeUrl) {
    case TypeUrl.Listener:
      references = listenerReferences(resource.message as Listener);
      break;
    case TypeUrl.RouteConfiguration:
      references = routeConfigurationReferences(resource.any.value);
      break;
    case TypeUrl.Cluster:
      references = clusterReferences(resource.message as Cluster);
      break;
    default:
      references = NONE;
  }
  known.set(resource.message, references);
  return references;
}
