// validateMessage end to end on whole Envoy resources: valid ones pass; paths,
// Any unpacking, oneofs, presence and the registry option behave as documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create, createRegistry } from '@bufbuild/protobuf';
import { AnySchema, anyPack, DurationSchema } from '@bufbuild/protobuf/wkt';
import { ClusterSchema } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import type { Cluster_LbPolicy } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { MetadataSchema } from '../envoy/gen/envoy/config/core/v3/base_pb.js';
import { ClusterLoadAssignmentSchema } from '../envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import { RouteActionSchema } from '../envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { RouterSchema } from '../envoy/gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import { HttpConnectionManagerSchema } from '../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { validateMessage } from './index.js';
import type { Violation } from './index.js';
import {
  validCluster,
  validClusterLoadAssignment,
  validHttpConnectionManager,
  validListener,
  validRouteConfiguration,
} from './testing.js';

/** path and rule of each violation: messages are for people and may be reworded. */
const brief = (violations: readonly Violation[]) => violations.map(({ path, rule }) => ({ path, rule }));

test('valid Cluster, Listener, RouteConfiguration and ClusterLoadAssignment have no violations', () => {
  assert.deepEqual(validateMessage(ClusterSchema, validCluster()), []);
  assert.deepEqual(validateMessage(ListenerSchema, validListener()), []);
  assert.deepEqual(validateMessage(RouteConfigurationSchema, validRouteConfiguration()), []);
  assert.deepEqual(validateMessage(ClusterLoadAssignmentSchema, validClusterLoadAssignment()), []);
});

test('a violation names the field path, the rule and what was wrong', () => {
  const cluster = validCluster();
  cluster.name = '';
  assert.deepEqual(validateMessage(ClusterSchema, cluster), [
    { path: 'name', rule: 'string.min_len', message: 'length must be at least 1 character, got 0' },
  ]);
});

test('every broken rule of a message is reported, in field order', () => {
  const cluster = validCluster();
  cluster.name = '';
  cluster.connectTimeout = create(DurationSchema);
  cluster.lbPolicy = 99 as Cluster_LbPolicy; // an open enum can carry a number its descriptor lacks
  assert.deepEqual(brief(validateMessage(ClusterSchema, cluster)), [
    { path: 'name', rule: 'string.min_len' },
    { path: 'connect_timeout', rule: 'duration.gt' },
    { path: 'lb_policy', rule: 'enum.defined_only' },
  ]);
});

test('an HttpConnectionManager packed in a listener filter Any is validated at the nested path', () => {
  const hcm = validHttpConnectionManager();
  hcm.statPrefix = '';
  assert.deepEqual(brief(validateMessage(ListenerSchema, validListener(hcm))), [
    { path: 'filter_chains[0].filters[0].typed_config.stat_prefix', rule: 'string.min_len' },
  ]);
});

test('Anys nest: the Router inside the HttpConnectionManager inside the Listener is reached', () => {
  const hcm = validHttpConnectionManager();
  const router = hcm.httpFilters[0];
  assert.ok(router);
  router.configType = {
    case: 'typedConfig',
    value: anyPack(RouterSchema, create(RouterSchema, { strictCheckHeaders: ['x-envoy-max-retries', 'x-custom'] })),
  };
  assert.deepEqual(brief(validateMessage(ListenerSchema, validListener(hcm))), [
    {
      path: 'filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.strict_check_headers[1]',
      rule: 'string.in',
    },
  ]);
});

test('an Any whose type is not in the registry is a violation, since Envoy would reject it', () => {
  const listener = validListener();
  const filter = listener.filterChains[0]?.filters[0];
  assert.ok(filter);
  filter.configType = {
    case: 'typedConfig',
    value: create(AnySchema, { typeUrl: 'type.googleapis.com/acme.filters.Unknown', value: new Uint8Array() }),
  };
  const violations = validateMessage(ListenerSchema, listener);
  assert.deepEqual(brief(violations), [{ path: 'filter_chains[0].filters[0].typed_config', rule: 'any.known_type' }]);
  assert.match(violations[0]?.message ?? '', /acme\.filters\.Unknown/);
});

test('an Any without a type URL is a violation', () => {
  const listener = validListener();
  const filter = listener.filterChains[0]?.filters[0];
  assert.ok(filter);
  filter.configType = { case: 'typedConfig', value: create(AnySchema) };
  assert.deepEqual(brief(validateMessage(ListenerSchema, listener)), [
    { path: 'filter_chains[0].filters[0].typed_config', rule: 'any.known_type' },
  ]);
});

test('an Any whose bytes do not decode as its type is a violation', () => {
  const listener = validListener();
  const filter = listener.filterChains[0]?.filters[0];
  assert.ok(filter);
  filter.configType = {
    case: 'typedConfig',
    value: create(AnySchema, {
      typeUrl: `type.googleapis.com/${HttpConnectionManagerSchema.typeName}`,
      value: new Uint8Array([0x0a, 0xff]),
    }),
  };
  assert.deepEqual(brief(validateMessage(ListenerSchema, listener)), [
    { path: 'filter_chains[0].filters[0].typed_config', rule: 'any.decode' },
  ]);
});

test('the registry option decides which Any types are known', () => {
  const listener = validListener();
  const onlyListener = createRegistry(ListenerSchema);
  assert.deepEqual(brief(validateMessage(ListenerSchema, listener, { registry: onlyListener })), [
    { path: 'filter_chains[0].filters[0].typed_config', rule: 'any.known_type' },
  ]);
  const withHcm = createRegistry(HttpConnectionManagerSchema, RouterSchema);
  assert.deepEqual(validateMessage(ListenerSchema, listener, { registry: withHcm }), []);
});

test('a required oneof left unset is reported at the oneof name (RouteAction.cluster_specifier)', () => {
  const routes = validRouteConfiguration();
  const route = routes.virtualHosts[0]?.routes[0];
  assert.ok(route);
  route.action = { case: 'route', value: create(RouteActionSchema) };
  assert.deepEqual(brief(validateMessage(RouteConfigurationSchema, routes)), [
    { path: 'virtual_hosts[0].routes[0].route.cluster_specifier', rule: 'oneof.required' },
  ]);
});

test('only the selected member of a oneof is checked', () => {
  // RouteAction.cluster has min_len 1, but with cluster_header selected it is not the value in use.
  const action = create(RouteActionSchema, { clusterSpecifier: { case: 'clusterHeader', value: 'x-target-cluster' } });
  assert.deepEqual(validateMessage(RouteActionSchema, action), []);
  action.clusterSpecifier = { case: 'clusterHeader', value: '' };
  assert.deepEqual(brief(validateMessage(RouteActionSchema, action)), [
    { path: 'cluster_header', rule: 'string.min_len' },
  ]);
});

test('proto3 scalars without presence are checked at their zero value', () => {
  // A Cluster never given a name has name "", which Envoy rejects.
  const cluster = create(ClusterSchema, { connectTimeout: { seconds: 1n } });
  assert.deepEqual(brief(validateMessage(ClusterSchema, cluster)), [{ path: 'name', rule: 'string.min_len' }]);
});

test('unset message fields only answer to required rules', () => {
  // connect_timeout has {gt: 0s} but is not required: leaving it out is fine.
  const cluster = validCluster();
  delete cluster.connectTimeout;
  assert.deepEqual(validateMessage(ClusterSchema, cluster), []);
});

test('map values are walked with their key in the path', () => {
  const cluster = validCluster();
  cluster.typedExtensionProtocolOptions['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'] = create(AnySchema, {
    typeUrl: 'type.googleapis.com/acme.Unknown',
  });
  assert.deepEqual(brief(validateMessage(ClusterSchema, cluster)), [
    {
      path: 'typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]',
      rule: 'any.known_type',
    },
  ]);
});

test('google.protobuf.Struct metadata is walked without violations', () => {
  const cluster = validCluster();
  cluster.metadata = create(MetadataSchema, {
    filterMetadata: { 'envoy.lb': { zone: 'a', weight: 3, tags: ['x', null] } },
  });
  assert.deepEqual(validateMessage(ClusterSchema, cluster), []);
});

test("validating a message against another type's schema throws instead of reporting", () => {
  assert.throws(
    () => validateMessage(ClusterSchema, validListener()),
    /got a envoy\.config\.listener\.v3\.Listener to validate as envoy\.config\.cluster\.v3\.Cluster/,
  );
});
