import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TypeUrl } from '../../xds/resource-types.js';
import type { Protocol } from '../../xds/generate/proxy-context.js';
import {
  checkedConfig,
  expectGolden,
  goldenText,
  resourceOf,
  srcPath,
  storedPolicy,
  twoZoneProxy,
} from '../core/testkit/index.js';

const testdata = srcPath('src/policies/meshhealthcheck/testdata');
const toBackend = (conf: unknown) =>
  storedPolicy('MeshHealthCheck', 'backend-hc', {
    targetRef: { kind: 'Mesh' },
    to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, default: conf }],
  });
const backendCluster = (conf: unknown, protocol: Protocol = 'http', name = 'backend') =>
  resourceOf(checkedConfig(twoZoneProxy('envoy', [toBackend(conf)], protocol)), TypeUrl.Cluster, name);
/** Which checker the destination gets: the key of the checker in the JSON, or undefined. */
const checkerFor = (conf: unknown, protocol: Protocol): string | undefined => {
  const checks = backendCluster(conf, protocol)['healthChecks'];
  return checks === undefined ? undefined : Object.keys(checks[0]).find((key) => key.endsWith('HealthCheck'));
};

const all = { tcp: {}, http: { path: '/health' }, grpc: { serviceName: 'backend' } };
const checkerCases: { name: string; conf: unknown; protocol: Protocol; checker: string | undefined }[] = [
  { name: 'http destination with all three: http', conf: all, protocol: 'http', checker: 'httpHealthCheck' },
  { name: 'http2 destination with all three: http', conf: all, protocol: 'http2', checker: 'httpHealthCheck' },
  { name: 'grpc destination with all three: grpc', conf: all, protocol: 'grpc', checker: 'grpcHealthCheck' },
  { name: 'tcp destination with all three: tcp', conf: all, protocol: 'tcp', checker: 'tcpHealthCheck' },
  {
    name: 'http destination with http disabled: tcp',
    conf: { ...all, http: { disabled: true } },
    protocol: 'http',
    checker: 'tcpHealthCheck',
  },
  { name: 'tcp destination with only http: none', conf: { http: {} }, protocol: 'tcp', checker: undefined },
  {
    name: 'grpc destination with grpc and tcp disabled: none',
    conf: { grpc: { disabled: true }, tcp: { disabled: true } },
    protocol: 'grpc',
    checker: undefined,
  },
];

for (const c of checkerCases) {
  test(`the checker fits the protocol: ${c.name}`, () => {
    assert.equal(checkerFor(c.conf, c.protocol), c.checker);
  });
}

test('Envoy required fields get the defaults: 1m interval, 15s timeout, thresholds 5 and 1', () => {
  const [check] = backendCluster({ tcp: {} })['healthChecks'];
  assert.deepEqual(check, {
    timeout: '15s',
    interval: '60s',
    unhealthyThreshold: 5,
    healthyThreshold: 1,
    tcpHealthCheck: {},
  });
});

test('every timing and logging field is carried over', () => {
  const conf = {
    interval: '5s',
    timeout: '2s',
    unhealthyThreshold: 3,
    healthyThreshold: 2,
    initialJitter: '1s',
    intervalJitter: '500ms',
    intervalJitterPercent: 10,
    noTrafficInterval: '30s',
    reuseConnection: false,
    eventLogPath: '/tmp/hc.log',
    alwaysLogHealthCheckFailures: true,
    tcp: {},
  };
  const [check] = backendCluster(conf)['healthChecks'];
  assert.deepEqual(check, {
    timeout: '2s',
    interval: '5s',
    initialJitter: '1s',
    intervalJitter: '0.500s',
    intervalJitterPercent: 10,
    unhealthyThreshold: 3,
    healthyThreshold: 2,
    reuseConnection: false,
    tcpHealthCheck: {},
    noTrafficInterval: '30s',
    eventLogPath: '/tmp/hc.log',
    alwaysLogHealthCheckFailures: true,
  });
});

test('http: path, headers set and added, expected statuses as one-wide ranges, HTTP/2 for http2', () => {
  const http = {
    path: '/ready',
    requestHeadersToAdd: { set: [{ name: 'x-a', value: '1' }], add: [{ name: 'x-b', value: '2' }] },
    expectedStatuses: [200, 204],
  };
  const [check] = backendCluster({ http }, 'http2')['healthChecks'];
  assert.deepEqual(check.httpHealthCheck, {
    path: '/ready',
    requestHeadersToAdd: [
      { header: { key: 'x-a', value: '1' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      { header: { key: 'x-b', value: '2' } },
    ],
    expectedStatuses: [
      { start: '200', end: '201' },
      { start: '204', end: '205' },
    ],
    codecClientType: 'HTTP2',
  });
});

test('tcp: base64 send and receive payloads are decoded to bytes', () => {
  const [check] = backendCluster(
    { tcp: { send: Buffer.from('PING').toString('base64'), receive: [Buffer.from('PONG').toString('base64')] } },
    'tcp',
  )['healthChecks'];
  assert.deepEqual(check.tcpHealthCheck, { send: { binary: 'UElORw==' }, receive: [{ binary: 'UE9ORw==' }] });
});

test('grpc: service name and authority', () => {
  const [check] = backendCluster({ grpc: { serviceName: 'svc', authority: 'backend.mesh' } }, 'grpc')['healthChecks'];
  assert.deepEqual(check.grpcHealthCheck, { serviceName: 'svc', authority: 'backend.mesh' });
});

test('panic threshold and fail traffic on panic go to the common lb config', () => {
  const cluster = backendCluster({ tcp: {}, healthyPanicThreshold: 30, failTrafficOnPanic: true });
  assert.deepEqual(cluster['commonLbConfig'], {
    healthyPanicThreshold: { value: 30 },
    zoneAwareLbConfig: { failTrafficOnPanic: true },
  });
});

test('only the covered destination is checked', () => {
  assert.equal(backendCluster({ tcp: {} }, 'http', 'db')['healthChecks'], undefined);
});

test('proxyless gRPC: nothing is emitted, and a warning says why', () => {
  const config = checkedConfig(twoZoneProxy('grpc', [toBackend({ grpc: {} })], 'grpc'));
  assert.equal(resourceOf(config, TypeUrl.Cluster, 'backend')['healthChecks'], undefined);
  assert.deepEqual(config.warnings, [
    'MeshHealthCheck: not applied: proxyless gRPC clients do no active health checking',
  ]);
});

const goldenCases = [
  {
    name: 'envoy-http-check',
    ctx: () =>
      twoZoneProxy('envoy', [
        toBackend({
          interval: '10s',
          timeout: '2s',
          unhealthyThreshold: 3,
          http: { path: '/health', expectedStatuses: [200] },
          tcp: {},
        }),
      ]),
  },
  { name: 'grpc-warning', ctx: () => twoZoneProxy('grpc', [toBackend({ grpc: { serviceName: 'backend' } })], 'grpc') },
];

for (const c of goldenCases) {
  test(`${c.name}: the clusters equal their golden file`, () => {
    expectGolden(
      join(testdata, `${c.name}.golden.json`),
      goldenText(checkedConfig(c.ctx()), { types: [TypeUrl.Cluster] }),
    );
  });
}

test('failTrafficOnPanic gives way to locality weights set by MeshLoadBalancingStrategy affinity, with a warning', () => {
  const ctx = twoZoneProxy('envoy', [toBackend({ tcp: {}, failTrafficOnPanic: true })]);
  const affinity = storedPolicy('MeshLoadBalancingStrategy', 'affinity', {
    targetRef: { kind: 'Mesh' },
    to: [
      {
        targetRef: { kind: 'Mesh' },
        default: { localityAwareness: { localZone: { affinityTags: [{ key: 'kuma.io/zone' }] } } },
      },
    ],
  });
  const both = {
    ...ctx,
    policies: new Map([...ctx.policies!, ['MeshLoadBalancingStrategy', [{ policy: affinity, inbounds: [0] }]]]),
  };
  const config = checkedConfig(both);
  assert.deepEqual(resourceOf(config, TypeUrl.Cluster, 'backend')['commonLbConfig'], { localityWeightedLbConfig: {} });
  assert.deepEqual(config.warnings, [
    'MeshHealthCheck: failTrafficOnPanic not applied to backend: it balances by locality weight (MeshLoadBalancingStrategy affinityTags), which has no such switch',
  ]);
});
