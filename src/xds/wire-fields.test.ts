import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create, toBinary } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { ClusterSchema, Cluster_DiscoveryType } from './envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { RouteConfigurationSchema } from './envoy/gen/envoy/config/route/v3/route_pb.js';
import { fieldNumber, fieldsSet, fieldValues, stringField } from './wire-fields.js';

const routes = toBinary(
  RouteConfigurationSchema,
  create(RouteConfigurationSchema, {
    name: 'outbound:bäckend',
    virtualHosts: [{ name: 'a' }, { name: 'b' }],
    validateClusters: true,
  }),
);

test('field numbers come from the generated schema by name', () => {
  assert.equal(fieldNumber(RouteConfigurationSchema, 'virtualHosts'), 2);
  assert.throws(
    () => fieldNumber(RouteConfigurationSchema, 'noSuchField'),
    /RouteConfiguration has no field noSuchField/,
  );
});

test('a repeated message field gives every value in order; a string field its text', () => {
  const hosts = fieldValues(routes, fieldNumber(RouteConfigurationSchema, 'virtualHosts'));
  assert.deepEqual(
    hosts.map((host) => stringField(host, 1)),
    ['a', 'b'],
  );
  assert.equal(stringField(routes, fieldNumber(RouteConfigurationSchema, 'name')), 'outbound:bäckend');
  assert.equal(stringField(routes, fieldNumber(RouteConfigurationSchema, 'internalOnlyHeaders')), '', 'unset');
});

test('fields of every wire type are stepped over: varints, fixed widths, nested messages', () => {
  const cluster = toBinary(
    ClusterSchema,
    create(ClusterSchema, {
      name: 'backend',
      clusterDiscoveryType: { case: 'type', value: Cluster_DiscoveryType.EDS },
      connectTimeout: durationFromMs(1500),
      perConnectionBufferLimitBytes: 70_000,
      commonLbConfig: { healthyPanicThreshold: { value: 12.5 } },
      edsClusterConfig: { serviceName: 'backend-v2' },
    }),
  );
  const eds = fieldValues(cluster, fieldNumber(ClusterSchema, 'edsClusterConfig'));
  assert.equal(eds.length, 1);
  assert.equal(stringField(eds[0]!, 2), 'backend-v2');
  assert.deepEqual(
    [
      ...fieldsSet(cluster, [
        fieldNumber(ClusterSchema, 'type'),
        fieldNumber(ClusterSchema, 'lbPolicy'),
        fieldNumber(ClusterSchema, 'connectTimeout'),
      ]),
    ].sort(),
    [2, 4],
    'the discovery type and the timeout are set; lb_policy is left at its default',
  );
});

test('bytes that are not a message are refused, not read past', () => {
  assert.throws(() => fieldValues(Uint8Array.of(0x0a, 0x05, 0x61), 1), /premature EOF/, 'a length past the end');
  assert.throws(() => fieldValues(Uint8Array.of(0x08, 0xff), 1), /premature EOF/, 'an unfinished varint');
  assert.throws(() => fieldValues(Uint8Array.of(0x0b), 1), /premature EOF/, 'a group never closed');
});
