import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '../../xds/resource-types.js';
import {
  assertPassesPgv,
  generateProxyConfig,
  grpcRoute,
  OUTBOUND,
  resourceOf,
  srcPath,
  storedPolicy,
  testGoldenCases,
  threeProtocolProxy,
} from '../core/testkit/index.js';
import { defaultMeshRetrySpec } from './schema.js';

const { Listener, RouteConfiguration } = TypeUrl;
const meshDefault = storedPolicy('MeshRetry', 'mesh-retry-all-default', defaultMeshRetrySpec());
const retryTo = (service: string, conf: unknown) =>
  storedPolicy('MeshRetry', `${service}-retry`, {
    to: [{ targetRef: { kind: 'MeshService', name: service }, default: conf }],
  });

const routeRetry = (config: ReturnType<typeof generateProxyConfig>, service: string) =>
  resourceOf(config, RouteConfiguration, `outbound:${service}`).virtualHosts[0].routes[0].route.retryPolicy;

test('envoy: the default MeshRetry retries HTTP and gRPC routes with Kuma default conditions and caps TCP connect attempts', () => {
  const config = generateProxyConfig(threeProtocolProxy('envoy', [meshDefault]));
  const backOff = { baseInterval: '0.025s', maxInterval: '0.250s' };
  assert.deepEqual(routeRetry(config, 'backend'), {
    retryOn: 'gateway-error,connect-failure,refused-stream',
    numRetries: 5,
    perTryTimeout: '16s',
    retryBackOff: backOff,
  });
  assert.deepEqual(routeRetry(config, 'greeter'), {
    retryOn: 'cancelled,connect-failure,gateway-error,refused-stream,reset,resource-exhausted,unavailable',
    numRetries: 5,
    perTryTimeout: '16s',
    retryBackOff: backOff,
  });
  assert.equal(resourceOf(config, Listener, OUTBOUND.db).filterChains[0].filters[0].typedConfig.maxConnectAttempts, 5);
  assert.deepEqual(config.warnings, []);
  assertPassesPgv(config);
});

const httpCases: readonly [string, unknown, Record<string, unknown> | undefined][] = [
  [
    'named conditions map to Envoy names',
    { retryOn: ['5xx', 'Reset', 'Retriable4xx'] },
    { retryOn: '5xx,reset,retriable-4xx' },
  ],
  [
    'status codes become retriable-status-codes',
    { retryOn: ['GatewayError', '503', '429'] },
    { retryOn: 'gateway-error,retriable-status-codes', retriableStatusCodes: [503, 429] },
  ],
  [
    'status codes alone keep the default conditions',
    { retryOn: ['503'] },
    { retryOn: 'gateway-error,connect-failure,refused-stream,retriable-status-codes', retriableStatusCodes: [503] },
  ],
  [
    'an HTTP method retries only requests with that method',
    { retryOn: ['5xx', 'HttpMethodGet'] },
    { retryOn: '5xx', retriableRequestHeaders: [{ name: ':method', stringMatch: { exact: 'GET' } }] },
  ],
  [
    'retriable headers match as their type says',
    {
      retriableResponseHeaders: [
        { name: 'x-retry', type: 'Present' },
        { name: 'x-code', type: 'RegularExpression', value: '5.*' },
      ],
      retriableRequestHeaders: [
        { name: 'x-idempotent', value: 'yes' },
        { name: 'x-once', type: 'Absent' },
      ],
    },
    {
      retryOn: 'gateway-error,connect-failure,refused-stream',
      retriableHeaders: [
        { name: 'x-retry', presentMatch: true },
        { name: 'x-code', stringMatch: { safeRegex: { regex: '5.*' } } },
      ],
      retriableRequestHeaders: [
        { name: 'x-idempotent', stringMatch: { exact: 'yes' } },
        { name: 'x-once', presentMatch: true, invertMatch: true },
      ],
    },
  ],
  [
    'a back-off given only a maximum gets a base no larger than it',
    { backOff: { maxInterval: '10ms' } },
    {
      retryOn: 'gateway-error,connect-failure,refused-stream',
      retryBackOff: { baseInterval: '0.010s', maxInterval: '0.010s' },
    },
  ],
  [
    'rate-limited back-off reads reset headers',
    {
      numRetries: 2,
      rateLimitedBackOff: {
        resetHeaders: [
          { name: 'retry-after', format: 'Seconds' },
          { name: 'x-reset', format: 'UnixTimestamp' },
        ],
        maxInterval: '5m',
      },
    },
    {
      retryOn: 'gateway-error,connect-failure,refused-stream',
      numRetries: 2,
      rateLimitedRetryBackOff: {
        resetHeaders: [{ name: 'retry-after' }, { name: 'x-reset', format: 'UNIX_TIMESTAMP' }],
        maxInterval: '300s',
      },
    },
  ],
  ['numRetries 0 means no retry policy', { numRetries: 0, retryOn: ['5xx'] }, undefined],
  [
    'host selection attempts are set',
    { hostSelectionMaxAttempts: 3 },
    { retryOn: 'gateway-error,connect-failure,refused-stream', hostSelectionRetryMaxAttempts: '3' },
  ],
];

for (const [name, http, expected] of httpCases) {
  test(`envoy http: ${name}`, () => {
    const config = generateProxyConfig(threeProtocolProxy('envoy', [retryTo('backend', { http })]));
    assert.deepEqual(routeRetry(config, 'backend'), expected);
    assert.equal(routeRetry(config, 'greeter'), undefined, 'other destinations are untouched');
    assertPassesPgv(config);
  });
}

test('envoy: a gRPC destination takes the grpc section, never the http one', () => {
  const config = generateProxyConfig(
    threeProtocolProxy('envoy', [
      retryTo('greeter', {
        http: { numRetries: 9 },
        grpc: { numRetries: 2, retryOn: ['Unavailable', 'DeadlineExceeded'] },
      }),
    ]),
  );
  assert.deepEqual(routeRetry(config, 'greeter'), { retryOn: 'unavailable,deadline-exceeded', numRetries: 2 });
});

test('envoy: hostSelection becomes retry host predicates and a retry priority, matching the tags endpoints carry', () => {
  const hostSelection = [
    { predicate: 'OmitPreviousHosts' },
    { predicate: 'OmitHostsWithTags', tags: { 'kuma.io/service': 'backend' } },
    { predicate: 'OmitPreviousPriorities', updateFrequency: 3 },
  ];
  const config = generateProxyConfig(
    threeProtocolProxy('envoy', [
      retryTo('backend', { http: { numRetries: 1, hostSelection, hostSelectionMaxAttempts: 2 } }),
    ]),
  );
  const retry = routeRetry(config, 'backend');
  assert.deepEqual(
    retry.retryHostPredicate.map((p: { name: string }) => p.name),
    ['envoy.retry_host_predicates.previous_hosts', 'envoy.retry_host_predicates.omit_host_metadata'],
  );
  const omitted = retry.retryHostPredicate[1].typedConfig.metadataMatch.filterMetadata['envoy.lb'];
  assert.deepEqual(omitted, { 'kuma.io/service': 'backend' });
  const endpoint = resourceOf(config, TypeUrl.ClusterLoadAssignment, 'backend').endpoints[0].lbEndpoints[0];
  assert.deepEqual(
    endpoint.metadata.filterMetadata['envoy.lb'],
    { 'kuma.io/service': 'backend' },
    'the endpoint carries the tags the predicate matches',
  );
  assert.deepEqual(retry.retryPriority.typedConfig, {
    '@type': 'type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig',
    updateFrequency: 3,
  });
  assert.equal(retry.hostSelectionRetryMaxAttempts, '2');
  assert.deepEqual(config.warnings, []);
  assertPassesPgv(config);
});

test('grpc: hostSelection is not applied: the http section never reaches a proxyless client (grpc-js-xds has no host predicates)', () => {
  const config = generateProxyConfig(
    threeProtocolProxy('grpc', [retryTo('backend', { http: { hostSelection: [{ predicate: 'OmitPreviousHosts' }] } })]),
  );
  assert.deepEqual(config.warnings, [
    'MeshRetry: to backend: http section not applied: a proxyless gRPC client retries gRPC calls by the grpc section only',
  ]);
});

test('envoy: a TCP destination without a tcp section keeps its listener', () => {
  const bare = generateProxyConfig(threeProtocolProxy('envoy', []));
  const config = generateProxyConfig(threeProtocolProxy('envoy', [retryTo('db', { http: { numRetries: 1 } })]));
  assert.deepEqual(resourceOf(config, Listener, OUTBOUND.db), resourceOf(bare, Listener, OUTBOUND.db));
});

test('grpc: the default MeshRetry retries gRPC statuses with back-off and says what gRPC leaves out', () => {
  const config = generateProxyConfig(threeProtocolProxy('grpc', [meshDefault]));
  const retry = grpcRoute(config, 'greeter').virtual_hosts[0].routes[0].route.retry_policy;
  assert.equal(retry.retry_on, 'cancelled,resource-exhausted,unavailable');
  assert.equal(retry.num_retries.value, 5);
  assert.deepEqual(retry.retry_back_off.base_interval, { seconds: '0', nanos: 25_000_000 });
  assert.equal(retry.per_try_timeout, null, 'not sent: grpc-js-xds has no per-attempt timeout');
  assert.deepEqual(config.warnings, [
    'MeshRetry: to backend: http section not applied: a proxyless gRPC client retries gRPC calls by the grpc section only',
    'MeshRetry: to backend: grpc.perTryTimeout not applied: grpc-js-xds has no per-attempt timeout',
    'MeshRetry: to backend: grpc.numRetries 5 applied as 4: grpc-js makes at most 5 attempts',
    'MeshRetry: to db: tcp section not applied: a proxyless gRPC client retries gRPC calls by the grpc section only',
    'MeshRetry: to db: grpc.perTryTimeout not applied: grpc-js-xds has no per-attempt timeout',
    'MeshRetry: to db: grpc.numRetries 5 applied as 4: grpc-js makes at most 5 attempts',
    'MeshRetry: to greeter: grpc.perTryTimeout not applied: grpc-js-xds has no per-attempt timeout',
    'MeshRetry: to greeter: grpc.numRetries 5 applied as 4: grpc-js makes at most 5 attempts',
  ]);
});

test('grpc: numRetries 0 sends no retry policy (grpc-js-xds rejects num_retries below 1)', () => {
  const config = generateProxyConfig(threeProtocolProxy('grpc', [retryTo('greeter', { grpc: { numRetries: 0 } })]));
  assert.equal(grpcRoute(config, 'greeter').virtual_hosts[0].routes[0].route.retry_policy, null);
});

test('grpc: statuses, retries and back-off reach grpc-js-xds; rate-limited back-off is a warning', () => {
  const grpc = {
    numRetries: 3,
    retryOn: ['Internal', 'Canceled'],
    backOff: { maxInterval: '1s' },
    rateLimitedBackOff: { resetHeaders: [{ name: 'retry-after', format: 'Seconds' }] },
  };
  const config = generateProxyConfig(threeProtocolProxy('grpc', [retryTo('greeter', { grpc })]));
  const retry = grpcRoute(config, 'greeter').virtual_hosts[0].routes[0].route.retry_policy;
  assert.equal(retry.retry_on, 'internal,cancelled');
  assert.equal(retry.num_retries.value, 3);
  assert.deepEqual(retry.retry_back_off, {
    base_interval: { seconds: '0', nanos: 25_000_000 },
    max_interval: { seconds: '1', nanos: 0 },
  });
  assert.equal(retry.rate_limited_retry_back_off, null);
  assert.deepEqual(config.warnings, [
    'MeshRetry: to greeter: grpc.rateLimitedBackOff not applied: grpc-js-xds reads no rate-limit reset headers',
  ]);
});

const testdata = srcPath('src/policies/meshretry/testdata');
const fullHttp = {
  numRetries: 3,
  perTryTimeout: '2s',
  backOff: { baseInterval: '50ms', maxInterval: '1s' },
  retryOn: ['5xx', '429', 'HttpMethodGet'],
  rateLimitedBackOff: { resetHeaders: [{ name: 'retry-after', format: 'Seconds' }], maxInterval: '30s' },
  retriableRequestHeaders: [{ type: 'Prefix', name: 'x-retry', value: 'y' }],
};
const fullGrpc = {
  numRetries: 3,
  perTryTimeout: '2s',
  backOff: { baseInterval: '50ms', maxInterval: '1s' },
  retryOn: ['Unavailable', 'ResourceExhausted'],
};
const goldenCases = {
  'defaults-envoy': threeProtocolProxy('envoy', [meshDefault]),
  'defaults-grpc': threeProtocolProxy('grpc', [meshDefault]),
  'per-service-envoy': threeProtocolProxy('envoy', [
    meshDefault,
    retryTo('backend', { http: fullHttp }),
    retryTo('greeter', { grpc: fullGrpc }),
  ]),
  'per-service-grpc': threeProtocolProxy('grpc', [meshDefault, retryTo('greeter', { grpc: fullGrpc })]),
};

testGoldenCases(testdata, goldenCases);
