// One failing case per PGV rule family, each on a real Envoy field, reached
// through a whole resource (and through Anys where Envoy packs the message).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import type { DescMessage, Message } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import {
  ClusterSchema,
  Cluster_CommonLbConfigSchema,
  Cluster_LbPolicy,
  Cluster_RingHashLbConfigSchema,
  LoadBalancingPolicySchema,
} from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { MetadataSchema, TransportSocketSchema } from '../envoy/gen/envoy/config/core/v3/base_pb.js';
import { SchemeHeaderTransformationSchema } from '../envoy/gen/envoy/config/core/v3/protocol_pb.js';
import { ClusterLoadAssignmentSchema } from '../envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { LbEndpoint } from '../envoy/gen/envoy/config/endpoint/v3/endpoint_components_pb.js';
import { ListenerSchema } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import type { Listener } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { ListenerFilterSchema } from '../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { RouteConfigurationSchema } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import type { RouteConfiguration } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import { InternalRedirectPolicySchema } from '../envoy/gen/envoy/config/route/v3/route_components_pb.js';
import type { Route, VirtualHost } from '../envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { LocalRateLimitSchema } from '../envoy/gen/envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit_pb.js';
import { RBACSchema } from '../envoy/gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js';
import { RouterSchema } from '../envoy/gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import { TlsInspectorSchema } from '../envoy/gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js';
import { HttpFilterSchema } from '../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import type { HttpConnectionManager } from '../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { TcpProxySchema } from '../envoy/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';
import { DownstreamTlsContextSchema } from '../envoy/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import { HttpProtocolOptionsSchema } from '../envoy/gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js';
import { StatusCode } from '../envoy/gen/envoy/type/v3/http_status_pb.js';
import { validateMessage } from './index.js';
import {
  pack,
  validCluster,
  validClusterLoadAssignment,
  validHttpConnectionManager,
  validListener,
  validRouteConfiguration,
} from './testing.js';

interface Case {
  readonly behaviour: string;
  readonly schema: DescMessage;
  readonly message: () => Message;
  readonly expect: readonly { path: string; rule: string }[];
}

/** Where the listener's network filter config (the HttpConnectionManager, or a TcpProxy) sits. */
const FILTER = 'filter_chains[0].filters[0].typed_config';

function cluster(edit: (c: ReturnType<typeof validCluster>) => void) {
  const c = validCluster();
  edit(c);
  return c;
}

function routes(edit: (vh: VirtualHost, route: Route, rc: RouteConfiguration) => void) {
  const rc = validRouteConfiguration();
  const vh = rc.virtualHosts[0];
  const route = vh?.routes[0];
  assert.ok(vh && route);
  edit(vh, route, rc);
  return rc;
}

function routeAction(route: Route) {
  assert.ok(route.action.case === 'route');
  return route.action.value;
}

function firstHeader(vh: VirtualHost) {
  const header = vh.requestHeadersToAdd[0]?.header;
  assert.ok(header);
  return header;
}

function endpoint(edit: (lb: LbEndpoint) => void) {
  const cla = validClusterLoadAssignment();
  const lb = cla.endpoints[0]?.lbEndpoints[0];
  assert.ok(lb);
  edit(lb);
  return cla;
}

function withHcm(edit: (hcm: HttpConnectionManager) => void) {
  const hcm = validHttpConnectionManager();
  edit(hcm);
  return validListener(hcm);
}

function listener(edit: (l: Listener) => void) {
  const l = validListener();
  edit(l);
  return l;
}

const cases: Case[] = [
  // string
  {
    behaviour: 'string min_len: a Cluster with an empty name',
    schema: ClusterSchema,
    message: () =>
      cluster((c) => {
        c.name = '';
      }),
    expect: [{ path: 'name', rule: 'string.min_len' }],
  },
  {
    behaviour: 'string max_bytes counts UTF-8 bytes: a 16386-byte header name of 8194 characters',
    schema: RouteConfigurationSchema,
    message: () =>
      routes((vh) => {
        firstHeader(vh).key = `x-${'é'.repeat(8192)}`;
      }),
    expect: [{ path: 'virtual_hosts[0].request_headers_to_add[0].header.key', rule: 'string.max_bytes' }],
  },
  {
    behaviour: 'string well_known_regex HTTP_HEADER_NAME (strict: false): a header name with CR LF',
    schema: RouteConfigurationSchema,
    message: () =>
      routes((vh) => {
        firstHeader(vh).key = 'x-a\r\nx-injected';
      }),
    expect: [{ path: 'virtual_hosts[0].request_headers_to_add[0].header.key', rule: 'string.well_known_regex' }],
  },
  {
    behaviour: 'string well_known_regex HTTP_HEADER_VALUE (strict: false): a header value with LF',
    schema: RouteConfigurationSchema,
    message: () =>
      routes((vh) => {
        firstHeader(vh).value = 'koguma\nx-injected: 1';
      }),
    expect: [{ path: 'virtual_hosts[0].request_headers_to_add[0].header.value', rule: 'string.well_known_regex' }],
  },
  {
    behaviour:
      'string well_known_regex HTTP_HEADER_NAME (strict) with ignore_empty: a space in override_auto_sni_header',
    schema: ClusterSchema,
    message: () =>
      cluster((c) => {
        c.typedExtensionProtocolOptions['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'] = pack(
          HttpProtocolOptionsSchema,
          create(HttpProtocolOptionsSchema, {
            upstreamProtocolOptions: {
              case: 'explicitHttpConfig',
              value: { protocolConfig: { case: 'httpProtocolOptions', value: {} } },
            },
            upstreamHttpProtocolOptions: { autoSni: true, overrideAutoSniHeader: 'x sni' },
          }),
        );
      }),
    expect: [
      {
        path: 'typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"].upstream_http_protocol_options.override_auto_sni_header',
        rule: 'string.well_known_regex',
      },
    ],
  },
  {
    behaviour: 'string in: scheme_to_overwrite "ftp" in an HttpConnectionManager',
    schema: ListenerSchema,
    message: () =>
      withHcm((hcm) => {
        hcm.schemeHeaderTransformation = create(SchemeHeaderTransformationSchema, {
          transformation: { case: 'schemeToOverwrite', value: 'ftp' },
        });
      }),
    expect: [{ path: `${FILTER}.scheme_header_transformation.scheme_to_overwrite`, rule: 'string.in' }],
  },
  {
    behaviour: 'string pattern: a path_separated_prefix ending in a slash',
    schema: RouteConfigurationSchema,
    message: () =>
      routes((_vh, route) => {
        assert.ok(route.match);
        route.match.pathSpecifier = { case: 'pathSeparatedPrefix', value: '/api/' };
      }),
    expect: [{ path: 'virtual_hosts[0].routes[0].match.path_separated_prefix', rule: 'string.pattern' }],
  },
  {
    behaviour: 'repeated items: a Router strict_check_headers entry outside the allowed list',
    schema: ListenerSchema,
    message: () =>
      withHcm((hcm) => {
        const router = hcm.httpFilters[0];
        assert.ok(router?.configType.case === 'typedConfig');
        router.configType.value = pack(
          RouterSchema,
          create(RouterSchema, { strictCheckHeaders: ['x-envoy-retry-on', 'x-custom'] }),
        );
      }),
    expect: [{ path: `${FILTER}.http_filters[0].typed_config.strict_check_headers[1]`, rule: 'string.in' }],
  },
  // numeric
  {
    behaviour: 'uint32 lte: an endpoint port of 70000',
    schema: ClusterLoadAssignmentSchema,
    message: () =>
      endpoint((lb) => {
        assert.ok(
          lb.hostIdentifier.case === 'endpoint' && lb.hostIdentifier.value.address?.address.case === 'socketAddress',
        );
        lb.hostIdentifier.value.address.address.value.portSpecifier = { case: 'portValue', value: 70000 };
      }),
    expect: [{ path: 'endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value', rule: 'uint32.lte' }],
  },
  {
    behaviour: 'uint32 gte on a UInt32Value wrapper: a load_balancing_weight of 0',
    schema: ClusterLoadAssignmentSchema,
    message: () =>
      endpoint((lb) => {
        lb.loadBalancingWeight = 0;
      }),
    expect: [{ path: 'endpoints[0].lb_endpoints[0].load_balancing_weight', rule: 'uint32.gte' }],
  },
  {
    behaviour: 'uint64 lte on a UInt64Value wrapper: a ring hash minimum_ring_size above 8M',
    schema: ClusterSchema,
    message: () =>
      cluster((c) => {
        c.lbPolicy = Cluster_LbPolicy.RING_HASH;
        c.lbConfig = {
          case: 'ringHashLbConfig',
          value: create(Cluster_RingHashLbConfigSchema, { minimumRingSize: 8_388_609n }),
        };
      }),
    expect: [{ path: 'ring_hash_lb_config.minimum_ring_size', rule: 'uint64.lte' }],
  },
  {
    behaviour: 'double lte: a healthy_panic_threshold of 150 percent',
    schema: ClusterSchema,
    message: () =>
      cluster((c) => {
        c.commonLbConfig = create(Cluster_CommonLbConfigSchema, { healthyPanicThreshold: { value: 150 } });
      }),
    expect: [{ path: 'common_lb_config.healthy_panic_threshold.value', rule: 'double.lte' }],
  },
  {
    behaviour: 'uint32 gt of a (255, 65537) range: a TLS inspector read buffer of 100 bytes',
    schema: ListenerSchema,
    message: () =>
      listener((l) => {
        l.listenerFilters = [
          create(ListenerFilterSchema, {
            name: 'envoy.filters.listener.tls_inspector',
            configType: {
              case: 'typedConfig',
              value: pack(TlsInspectorSchema, create(TlsInspectorSchema, { initialReadBufferSize: 100 })),
            },
          }),
        ];
      }),
    expect: [{ path: 'listener_filters[0].typed_config.initial_read_buffer_size', rule: 'uint32.gt' }],
  },
  // bool
  {
    behaviour: 'bool const: an RBAC permission with any: false',
    schema: ListenerSchema,
    message: () =>
      withHcm((hcm) => {
        const rbac = create(RBACSchema, {
          rules: {
            policies: {
              'allow-all': {
                permissions: [{ rule: { case: 'any', value: false } }],
                principals: [{ identifier: { case: 'any', value: true } }],
              },
            },
          },
        });
        hcm.httpFilters.unshift(
          create(HttpFilterSchema, {
            name: 'envoy.filters.http.rbac',
            configType: { case: 'typedConfig', value: pack(RBACSchema, rbac) },
          }),
        );
      }),
    expect: [
      {
        path: `${FILTER}.http_filters[0].typed_config.rules.policies["allow-all"].permissions[0].any`,
        rule: 'bool.const',
      },
    ],
  },
  // enum
  {
    behaviour: 'enum defined_only: a Cluster lb_policy number the enum does not define',
    schema: ClusterSchema,
    message: () =>
      cluster((c) => {
        c.lbPolicy = 42 as Cluster_LbPolicy;
      }), // open enums carry any number
    expect: [{ path: 'lb_policy', rule: 'enum.defined_only' }],
  },
  {
    behaviour: 'enum not_in: a local rate limit status code of Empty (0)',
    schema: ListenerSchema,
    message: () =>
      withHcm((hcm) => {
        const limit = create(LocalRateLimitSchema, {
          statPrefix: 'http_local_rate_limiter',
          status: { code: StatusCode.Empty },
        });
        hcm.httpFilters.unshift(
          create(HttpFilterSchema, {
            name: 'envoy.filters.http.local_ratelimit',
            configType: { case: 'typedConfig', value: pack(LocalRateLimitSchema, limit) },
          }),
        );
      }),
    expect: [{ path: `${FILTER}.http_filters[0].typed_config.status.code`, rule: 'enum.not_in' }],
  },
  // message
  {
    behaviour: 'message required: a Route without match',
    schema: RouteConfigurationSchema,
    message: () =>
      routes((_vh, route) => {
        delete route.match;
      }),
    expect: [{ path: 'virtual_hosts[0].routes[0].match', rule: 'message.required' }],
  },
  // oneof
  {
    behaviour: 'oneof required: a Route with no action',
    schema: RouteConfigurationSchema,
    message: () =>
      routes((_vh, route) => {
        route.action = { case: undefined };
      }),
    expect: [{ path: 'virtual_hosts[0].routes[0].action', rule: 'oneof.required' }],
  },
  // repeated
  {
    behaviour: 'repeated min_items: a virtual host with no domains',
    schema: RouteConfigurationSchema,
    message: () =>
      routes((vh) => {
        vh.domains = [];
      }),
    expect: [{ path: 'virtual_hosts[0].domains', rule: 'repeated.min_items' }],
  },
  {
    behaviour: 'repeated max_items: a TcpProxy with two hash policies',
    schema: ListenerSchema,
    message: () =>
      listener((l) => {
        const filter = l.filterChains[0]?.filters[0];
        assert.ok(filter);
        const sourceIp = { policySpecifier: { case: 'sourceIp' as const, value: {} } };
        filter.name = 'envoy.filters.network.tcp_proxy';
        filter.configType = {
          case: 'typedConfig',
          value: pack(
            TcpProxySchema,
            create(TcpProxySchema, {
              statPrefix: 'tcp',
              clusterSpecifier: { case: 'cluster', value: 'backend' },
              hashPolicy: [sourceIp, sourceIp],
            }),
          ),
        };
      }),
    expect: [{ path: `${FILTER}.hash_policy`, rule: 'repeated.max_items' }],
  },
  {
    behaviour: 'repeated unique: response_headers_to_copy naming a header twice',
    schema: RouteConfigurationSchema,
    message: () =>
      routes((_vh, route) => {
        routeAction(route).internalRedirectPolicy = create(InternalRedirectPolicySchema, {
          responseHeadersToCopy: ['x-trace', 'x-trace'],
        });
      }),
    expect: [
      {
        path: 'virtual_hosts[0].routes[0].route.internal_redirect_policy.response_headers_to_copy',
        rule: 'repeated.unique',
      },
    ],
  },
  // map
  {
    behaviour: 'map keys: filter_metadata under an empty filter name',
    schema: ClusterSchema,
    message: () =>
      cluster((c) => {
        c.metadata = create(MetadataSchema, { filterMetadata: { '': { zone: 'a' } } });
      }),
    expect: [{ path: 'metadata.filter_metadata[""]', rule: 'map.keys.string.min_len' }],
  },
  // duration
  {
    behaviour: 'duration gt: a connect_timeout of 0s',
    schema: ClusterSchema,
    message: () =>
      cluster((c) => {
        c.connectTimeout = create(DurationSchema);
      }),
    expect: [{ path: 'connect_timeout', rule: 'duration.gt' }],
  },
  {
    behaviour: 'duration lt: a TLS session_timeout of 2^32 seconds',
    schema: ListenerSchema,
    message: () =>
      listener((l) => {
        const chain = l.filterChains[0];
        assert.ok(chain);
        chain.transportSocket = create(TransportSocketSchema, {
          name: 'envoy.transport_sockets.tls',
          configType: {
            case: 'typedConfig',
            value: pack(
              DownstreamTlsContextSchema,
              create(DownstreamTlsContextSchema, { sessionTimeout: { seconds: 4_294_967_296n } }),
            ),
          },
        });
      }),
    expect: [{ path: 'filter_chains[0].transport_socket.typed_config.session_timeout', rule: 'duration.lt' }],
  },
  {
    behaviour: 'duration valid: a connect_timeout with seconds and nanos of opposite signs',
    schema: ClusterSchema,
    message: () =>
      cluster((c) => {
        c.connectTimeout = create(DurationSchema, { seconds: 1n, nanos: -1 });
      }),
    expect: [{ path: 'connect_timeout', rule: 'duration.valid' }],
  },
  // any
  {
    behaviour: 'any required: a load balancing policy extension without typed_config',
    schema: ClusterSchema,
    message: () =>
      cluster((c) => {
        c.loadBalancingPolicy = create(LoadBalancingPolicySchema, {
          policies: [{ typedExtensionConfig: { name: 'envoy.load_balancing_policies.round_robin' } }],
        });
      }),
    expect: [{ path: 'load_balancing_policy.policies[0].typed_extension_config.typed_config', rule: 'any.required' }],
  },
  {
    behaviour: 'any required on a non-Any message field: an HTTP filter config_discovery without config_source',
    schema: ListenerSchema,
    message: () =>
      withHcm((hcm) => {
        hcm.httpFilters.unshift(
          create(HttpFilterSchema, {
            name: 'envoy.filters.http.rbac',
            configType: {
              case: 'configDiscovery',
              value: { typeUrls: ['type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC'] },
            },
          }),
        );
      }),
    expect: [{ path: `${FILTER}.http_filters[0].config_discovery.config_source`, rule: 'any.required' }],
  },
  // bytes
  {
    behaviour: 'bytes max_len: a raw header value of 16385 bytes',
    schema: RouteConfigurationSchema,
    message: () =>
      routes((vh) => {
        firstHeader(vh).rawValue = new Uint8Array(16_385).fill(0x61);
      }),
    expect: [{ path: 'virtual_hosts[0].request_headers_to_add[0].header.raw_value', rule: 'bytes.max_len' }],
  },
];

for (const c of cases) {
  test(c.behaviour, () => {
    const found = validateMessage(c.schema, c.message()).map(({ path, rule }) => ({ path, rule }));
    assert.deepEqual(found, c.expect);
  });
}
