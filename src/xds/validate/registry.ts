/**
 * envoyRegistry: every message, enum and extension of the generated Envoy API
 * (src/xds/envoy/gen/), so that the validator can unpack any google.protobuf.Any
 * a Koguma resource carries — a Listener's HttpConnectionManager, its Router,
 * a Cluster's UpstreamTlsContext, a route's retry host predicates — and check
 * the packed message too.
 *
 * The generator (scripts/generate-envoy.mjs) emits the files listed in its
 * `roots` and everything they import. The same roots are imported here and
 * their imports followed, so the registry holds exactly the generated files
 * (plus the google.protobuf well-known types that ship with protobuf-es).
 * registry.test.ts fails when a root is added to the script and not here.
 */
import { createRegistry } from '@bufbuild/protobuf';
import type { DescFile, Registry } from '@bufbuild/protobuf';
import { file_envoy_service_discovery_v3_ads } from '../envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import { file_envoy_service_discovery_v3_discovery } from '../envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { file_envoy_config_bootstrap_v3_bootstrap } from '../envoy/gen/envoy/config/bootstrap/v3/bootstrap_pb.js';
import { file_envoy_config_listener_v3_listener } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { file_envoy_config_route_v3_route } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import { file_envoy_config_cluster_v3_cluster } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { file_envoy_config_endpoint_v3_endpoint } from '../envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { file_envoy_config_rbac_v3_rbac } from '../envoy/gen/envoy/config/rbac/v3/rbac_pb.js';
import { file_envoy_extensions_transport_sockets_tls_v3_tls } from '../envoy/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import { file_envoy_extensions_transport_sockets_tls_v3_secret } from '../envoy/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import { file_envoy_extensions_filters_network_http_connection_manager_v3_http_connection_manager } from '../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { file_envoy_extensions_filters_network_tcp_proxy_v3_tcp_proxy } from '../envoy/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';
import { file_envoy_extensions_access_loggers_file_v3_file } from '../envoy/gen/envoy/extensions/access_loggers/file/v3/file_pb.js';
import { file_envoy_extensions_filters_network_rbac_v3_rbac } from '../envoy/gen/envoy/extensions/filters/network/rbac/v3/rbac_pb.js';
import { file_envoy_extensions_filters_network_local_ratelimit_v3_local_rate_limit } from '../envoy/gen/envoy/extensions/filters/network/local_ratelimit/v3/local_rate_limit_pb.js';
import { file_envoy_extensions_filters_http_router_v3_router } from '../envoy/gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import { file_envoy_extensions_filters_http_rbac_v3_rbac } from '../envoy/gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js';
import { file_envoy_extensions_filters_http_fault_v3_fault } from '../envoy/gen/envoy/extensions/filters/http/fault/v3/fault_pb.js';
import { file_envoy_extensions_filters_http_local_ratelimit_v3_local_rate_limit } from '../envoy/gen/envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit_pb.js';
import { file_envoy_extensions_filters_listener_tls_inspector_v3_tls_inspector } from '../envoy/gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js';
import { file_envoy_extensions_load_balancing_policies_ring_hash_v3_ring_hash } from '../envoy/gen/envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash_pb.js';
import { file_envoy_extensions_load_balancing_policies_round_robin_v3_round_robin } from '../envoy/gen/envoy/extensions/load_balancing_policies/round_robin/v3/round_robin_pb.js';
import { file_envoy_extensions_load_balancing_policies_wrr_locality_v3_wrr_locality } from '../envoy/gen/envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality_pb.js';
import { file_envoy_extensions_upstreams_http_v3_http_protocol_options } from '../envoy/gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js';
import { file_envoy_extensions_transport_sockets_raw_buffer_v3_raw_buffer } from '../envoy/gen/envoy/extensions/transport_sockets/raw_buffer/v3/raw_buffer_pb.js';
import { file_envoy_extensions_retry_host_previous_hosts_v3_previous_hosts } from '../envoy/gen/envoy/extensions/retry/host/previous_hosts/v3/previous_hosts_pb.js';
import { file_envoy_extensions_retry_host_omit_host_metadata_v3_omit_host_metadata_config } from '../envoy/gen/envoy/extensions/retry/host/omit_host_metadata/v3/omit_host_metadata_config_pb.js';
import { file_envoy_extensions_retry_priority_previous_priorities_v3_previous_priorities_config } from '../envoy/gen/envoy/extensions/retry/priority/previous_priorities/v3/previous_priorities_config_pb.js';

/** The generator's roots, in its order. */
const roots: readonly DescFile[] = [
  file_envoy_service_discovery_v3_ads,
  file_envoy_service_discovery_v3_discovery,
  file_envoy_config_bootstrap_v3_bootstrap,
  file_envoy_config_listener_v3_listener,
  file_envoy_config_route_v3_route,
  file_envoy_config_cluster_v3_cluster,
  file_envoy_config_endpoint_v3_endpoint,
  file_envoy_config_rbac_v3_rbac,
  file_envoy_extensions_transport_sockets_tls_v3_tls,
  file_envoy_extensions_transport_sockets_tls_v3_secret,
  file_envoy_extensions_filters_network_http_connection_manager_v3_http_connection_manager,
  file_envoy_extensions_filters_network_tcp_proxy_v3_tcp_proxy,
  file_envoy_extensions_access_loggers_file_v3_file,
  file_envoy_extensions_filters_network_rbac_v3_rbac,
  file_envoy_extensions_filters_network_local_ratelimit_v3_local_rate_limit,
  file_envoy_extensions_filters_http_router_v3_router,
  file_envoy_extensions_filters_http_rbac_v3_rbac,
  file_envoy_extensions_filters_http_fault_v3_fault,
  file_envoy_extensions_filters_http_local_ratelimit_v3_local_rate_limit,
  file_envoy_extensions_filters_listener_tls_inspector_v3_tls_inspector,
  file_envoy_extensions_load_balancing_policies_ring_hash_v3_ring_hash,
  file_envoy_extensions_load_balancing_policies_round_robin_v3_round_robin,
  file_envoy_extensions_load_balancing_policies_wrr_locality_v3_wrr_locality,
  file_envoy_extensions_upstreams_http_v3_http_protocol_options,
  file_envoy_extensions_transport_sockets_raw_buffer_v3_raw_buffer,
  file_envoy_extensions_retry_host_previous_hosts_v3_previous_hosts,
  file_envoy_extensions_retry_host_omit_host_metadata_v3_omit_host_metadata_config,
  file_envoy_extensions_retry_priority_previous_priorities_v3_previous_priorities_config,
];

function withImports(files: readonly DescFile[]): DescFile[] {
  const seen = new Map<string, DescFile>();
  const pending = [...files];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file.name)) continue;
    seen.set(file.name, file);
    pending.push(...file.dependencies);
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Every generated Envoy file and its imports, sorted by name (`envoy/config/cluster/v3/cluster`). */
export const envoyFiles: readonly DescFile[] = withImports(roots);

/** All types of envoyFiles: what validateMessage resolves Any type URLs against by default. */
export const envoyRegistry: Registry = createRegistry(...envoyFiles);
