import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create, toJson } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { ClusterSchema } from '../../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { RouteActionSchema, RetryPolicySchema } from '../../envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { HttpConnectionManagerSchema } from '../../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { validateMessage } from '../../validate/index.js';
import { buildRetryPolicy, retryBackOffIntervals } from './retry-policy.js';
import { durationOfMs, setConnectionManagerTimeouts, setConnectTimeout, setRouteTimeouts } from './timeouts.js';

test('durations keep sub-millisecond parts exactly, without float noise', () => {
  const cases: [number, string][] = [
    [15_000, '15s'],
    [1.5, '0.001500s'],
    [0.25, '0.000250s'],
    [0.001, '0.000001s'],
    [3_600_000, '3600s'],
    [0, '0s'],
  ];
  for (const [ms, json] of cases) assert.equal(toJson(DurationSchema, durationOfMs(ms)), json, `${ms}ms`);
});

test('setters touch only the timeouts they are given', () => {
  const hcm = create(HttpConnectionManagerSchema, { statPrefix: 'x', streamIdleTimeout: durationOfMs(1) });
  setConnectionManagerTimeouts(hcm, { requestHeadersTimeoutMs: 500 });
  assert.deepEqual(toJson(HttpConnectionManagerSchema, hcm), {
    statPrefix: 'x',
    streamIdleTimeout: '0.001s',
    requestHeadersTimeout: '0.500s',
  });
  const action = create(RouteActionSchema, { clusterSpecifier: { case: 'cluster', value: 'c' } });
  setRouteTimeouts(action, { maxStreamDurationMs: 2000 });
  assert.deepEqual(toJson(RouteActionSchema, action), { cluster: 'c', maxStreamDuration: { maxStreamDuration: '2s' } });
});

test('a connect timeout of 0 is refused: Envoy would NACK the cluster', () => {
  const cluster = create(ClusterSchema, { name: 'c' });
  assert.throws(() => setConnectTimeout(cluster, 0), RangeError);
  setConnectTimeout(cluster, 250);
  assert.deepEqual(validateMessage(ClusterSchema, cluster), []);
});

test('a back-off always has a base interval, never above its maximum', () => {
  assert.deepEqual(retryBackOffIntervals({}), { baseIntervalMs: 25 });
  assert.deepEqual(retryBackOffIntervals({ maxIntervalMs: 10 }), { baseIntervalMs: 10, maxIntervalMs: 10 });
  assert.deepEqual(retryBackOffIntervals({ maxIntervalMs: 1000 }), { baseIntervalMs: 25, maxIntervalMs: 1000 });
  assert.deepEqual(retryBackOffIntervals({ baseIntervalMs: 50 }), { baseIntervalMs: 50 });
});

test('a retry policy with every field passes Envoy validation', () => {
  const policy = buildRetryPolicy({
    retryOn: ['5xx', 'retriable-status-codes'],
    numRetries: 2,
    perTryTimeoutMs: 1000,
    backOff: { maxIntervalMs: 100 },
    rateLimitedBackOff: { resetHeaders: [{ name: 'retry-after', format: 0 }], maxIntervalMs: 5000 },
    retriableStatusCodes: [503],
    hostSelectionMaxAttempts: 2,
  });
  assert.deepEqual(validateMessage(RetryPolicySchema, policy), []);
  assert.equal(policy.retryOn, '5xx,retriable-status-codes');
});
