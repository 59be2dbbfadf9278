import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TypeUrl } from '../../xds/resource-types.js';
import { defaultMeshCircuitBreakerSpec } from './schema.js';
import {
  checkedConfig,
  expectGolden,
  goldenText,
  grpcDecoded,
  resourceOf,
  srcPath,
  storedPolicy,
  twoZoneProxy,
} from '../core/testkit/index.js';

const testdata = srcPath('src/policies/meshcircuitbreaker/testdata');
const mcb = (name: string, spec: Record<string, unknown>) => storedPolicy('MeshCircuitBreaker', name, spec);
const meshDefault = mcb('mesh-circuit-breaker-all-default', defaultMeshCircuitBreakerSpec());
const toBackend = (conf: unknown) =>
  mcb('backend-limits', {
    targetRef: { kind: 'Mesh' },
    to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, default: conf }],
  });
const cluster = (config: ReturnType<typeof checkedConfig>, name: string) => resourceOf(config, TypeUrl.Cluster, name);

test('the default policy of a new mesh limits and watches every destination cluster', () => {
  const config = checkedConfig(twoZoneProxy('envoy', [meshDefault]));
  for (const name of ['backend', 'db']) {
    const c = cluster(config, name);
    assert.deepEqual(c['circuitBreakers'], {
      thresholds: [{ maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 }],
    });
    const outlier = c['outlierDetection'];
    assert.equal(outlier.enforcingConsecutive5xx, 100);
    assert.equal(outlier.enforcingConsecutiveGatewayFailure, 100);
    assert.equal(outlier.enforcingConsecutiveLocalOriginFailure, 100);
    assert.equal(outlier.enforcingSuccessRate, 0, 'success rate is off unless named');
    assert.equal(outlier.enforcingFailurePercentage, 0);
  }
  assert.equal(cluster(config, 'localhost:8081')['circuitBreakers'], undefined, 'the default has no from section');
});

test('a to entry naming the destination overrides only the fields it sets', () => {
  const config = checkedConfig(
    twoZoneProxy('envoy', [meshDefault, toBackend({ connectionLimits: { maxRequests: 1 } })]),
  );
  assert.deepEqual(cluster(config, 'backend')['circuitBreakers'].thresholds[0], {
    maxConnections: 1024,
    maxPendingRequests: 1024,
    maxRequests: 1,
    maxRetries: 3,
  });
  assert.equal(cluster(config, 'db')['circuitBreakers'].thresholds[0].maxRequests, 1024);
});

const outlierCases: { name: string; outlier: unknown; expect: Record<string, unknown> | undefined }[] = [
  { name: 'disabled removes outlier detection', outlier: { disabled: true }, expect: undefined },
  {
    name: 'timings and split errors are carried over',
    outlier: {
      interval: '5s',
      baseEjectionTime: '1m',
      maxEjectionPercent: 20,
      splitExternalAndLocalErrors: true,
      detectors: { totalFailures: { consecutive: 3 } },
    },
    expect: {
      interval: '5s',
      baseEjectionTime: '60s',
      maxEjectionPercent: 20,
      splitExternalLocalOriginErrors: true,
      consecutive5xx: 3,
      enforcingConsecutive5xx: 100,
    },
  },
  {
    name: 'the success rate factor is given to Envoy in thousandths',
    outlier: { detectors: { successRate: { minimumHosts: 3, requestVolume: 10, standardDeviationFactor: '1.9' } } },
    expect: {
      enforcingSuccessRate: 100,
      successRateMinimumHosts: 3,
      successRateRequestVolume: 10,
      successRateStdevFactor: 1900,
    },
  },
  {
    name: 'failure percentage',
    outlier: { detectors: { failurePercentage: { minimumHosts: 2, requestVolume: 20, threshold: 60 } } },
    expect: {
      enforcingFailurePercentage: 100,
      failurePercentageMinimumHosts: 2,
      failurePercentageRequestVolume: 20,
      failurePercentageThreshold: 60,
    },
  },
];

for (const c of outlierCases) {
  test(`outlier detection: ${c.name}`, () => {
    const config = checkedConfig(twoZoneProxy('envoy', [meshDefault, toBackend({ outlierDetection: c.outlier })]));
    const outlier = cluster(config, 'backend')['outlierDetection'];
    if (c.expect === undefined) return assert.equal(outlier, undefined);
    for (const [field, value] of Object.entries(c.expect)) assert.deepEqual(outlier[field], value, field);
  });
}

test('healthyPanicThreshold sets the cluster panic threshold', () => {
  const config = checkedConfig(
    twoZoneProxy('envoy', [
      toBackend({ outlierDetection: { healthyPanicThreshold: '25.5', detectors: { gatewayFailures: {} } } }),
    ]),
  );
  assert.deepEqual(cluster(config, 'backend')['commonLbConfig'], { healthyPanicThreshold: { value: 25.5 } });
});

const inboundCases: { name: string; spec: Record<string, unknown>; limited: boolean }[] = [
  {
    name: 'a from entry for the whole mesh',
    spec: { from: [{ targetRef: { kind: 'Mesh' }, default: { connectionLimits: { maxConnections: 7 } } }] },
    limited: true,
  },
  {
    name: 'a catch-all rule',
    spec: { rules: [{ default: { connectionLimits: { maxConnections: 7 } } }] },
    limited: true,
  },
  {
    name: 'a to entry alone',
    spec: { to: [{ targetRef: { kind: 'Mesh' }, default: { outlierDetection: { disabled: true } } }] },
    limited: false,
  },
];

for (const c of inboundCases) {
  test(`the local cluster is ${c.limited ? '' : 'not '}limited by ${c.name}`, () => {
    const config = checkedConfig(twoZoneProxy('envoy', [mcb('inbound', { targetRef: { kind: 'Mesh' }, ...c.spec })]));
    const limits = cluster(config, 'localhost:8081')['circuitBreakers'];
    assert.deepEqual(limits, c.limited ? { thresholds: [{ maxConnections: 7 }] } : undefined);
    assert.equal(
      cluster(config, 'backend')['circuitBreakers'],
      undefined,
      'inbound sections do not reach outbound clusters',
    );
  });
}

test('proxyless gRPC gets max_requests and the success-rate detector, and a warning for the rest', () => {
  const spec = {
    connectionLimits: { maxRequests: 1, maxConnections: 10 },
    outlierDetection: {
      interval: '1s',
      baseEjectionTime: '2s',
      maxEjectionPercent: 50,
      detectors: { totalFailures: {}, successRate: { requestVolume: 5 } },
    },
  };
  const config = checkedConfig(twoZoneProxy('grpc', [toBackend(spec)]));
  const decoded = grpcDecoded(config.resources.find((r) => r.typeUrl === TypeUrl.Cluster && r.name === 'backend')!);
  assert.equal(decoded['maxConcurrentRequests'], 1);
  assert.equal(decoded['outlierDetectionUpdate'].success_rate_ejection.request_volume, 5);
  assert.equal(decoded['outlierDetectionUpdate'].max_ejection_percent, 50);
  assert.equal(decoded['outlierDetectionUpdate'].failure_percentage_ejection, undefined);
  const c = cluster(config, 'backend');
  assert.deepEqual(c['circuitBreakers'], { thresholds: [{ maxRequests: 1 }] });
  assert.equal(c['outlierDetection'].consecutive5xx, undefined);
  assert.deepEqual(config.warnings, [
    'MeshCircuitBreaker: connectionLimits.maxConnections, outlierDetection.detectors.totalFailures not applied: proxyless gRPC honours only connectionLimits.maxRequests and the successRate and failurePercentage detectors',
  ]);
});

test('proxyless gRPC with the default policy: max_requests only, no outlier detection it could not run', () => {
  const config = checkedConfig(twoZoneProxy('grpc', [meshDefault]));
  const c = cluster(config, 'backend');
  assert.deepEqual(c['circuitBreakers'], { thresholds: [{ maxRequests: 1024 }] });
  assert.equal(c['outlierDetection'], undefined);
  assert.equal(config.warnings.length, 1);
  assert.match(
    config.warnings[0]!,
    /connectionLimits.maxConnections, connectionLimits.maxPendingRequests, connectionLimits.maxRetries, outlierDetection.detectors.totalFailures/,
  );
});

test('proxyless gRPC servers warn that from and rules are not applied', () => {
  const config = checkedConfig(
    twoZoneProxy('grpc', [
      mcb('inbound', { from: [{ targetRef: { kind: 'Mesh' }, default: { connectionLimits: { maxRequests: 3 } } }] }),
    ]),
  );
  assert.deepEqual(config.warnings, [
    'MeshCircuitBreaker: from and rules not applied: a proxyless gRPC server has no local cluster to limit',
  ]);
});

const override = (detectors: unknown) =>
  toBackend({ connectionLimits: { maxRequests: 1 }, outlierDetection: { detectors } });
const goldenCases = [
  {
    name: 'envoy-default-and-override',
    ctx: () => twoZoneProxy('envoy', [meshDefault, override({ successRate: { standardDeviationFactor: 1.5 } })]),
  },
  {
    name: 'grpc-default-and-override',
    ctx: () => twoZoneProxy('grpc', [meshDefault, override({ failurePercentage: { threshold: 50 } })]),
  },
];

for (const c of goldenCases) {
  test(`${c.name}: the clusters equal their golden file`, () => {
    expectGolden(
      join(testdata, `${c.name}.golden.json`),
      goldenText(checkedConfig(c.ctx()), { types: [TypeUrl.Cluster] }),
    );
  });
}

test('a subset cluster of a traffic split gets its service’s limits', () => {
  const split = storedPolicy('MeshHTTPRoute', 'to-west', {
    targetRef: { kind: 'Mesh' },
    to: [
      {
        targetRef: { kind: 'MeshService', name: 'backend' },
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            default: {
              backendRefs: [
                { kind: 'MeshServiceSubset', name: 'backend', tags: { 'kuma.io/zone': 'west' }, weight: 1 },
              ],
            },
          },
        ],
      },
    ],
  });
  for (const flavour of ['envoy', 'grpc'] as const) {
    const config = checkedConfig(twoZoneProxy(flavour, [split, toBackend({ connectionLimits: { maxRequests: 1 } })]));
    const subsets = config.resources.filter((r) => r.typeUrl === TypeUrl.Cluster && r.name.startsWith('backend_'));
    assert.equal(subsets.length, 1, `${flavour}: one subset cluster`);
    assert.equal(cluster(config, subsets[0]!.name)['circuitBreakers'].thresholds[0].maxRequests, 1, flavour);
  }
});
