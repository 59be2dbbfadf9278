import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindRegistry, KogumaError, validateDocument, type InvalidParameter } from '../../api/index.js';
import { defaultMeshCircuitBreakerSpec } from './schema.js';

const documentOf = (spec: unknown) => ({ type: 'MeshCircuitBreaker', mesh: 'default', name: 'web-to-backend-circuit-breaker', spec });

function rejection(spec: unknown): readonly InvalidParameter[] {
  try {
    validateDocument(kindRegistry, documentOf(spec));
  } catch (error) {
    assert.ok(error instanceof KogumaError);
    assert.equal(error.code, 'InvalidInput');
    return error.invalidParameters;
  }
  assert.fail('expected the document to be rejected');
}

const outbound = (conf: unknown) => ({
  targetRef: { kind: 'Dataplane', labels: { app: 'web' } },
  to: [{ targetRef: { kind: 'MeshService', name: 'backend', sectionName: 'http' }, default: conf }],
});

test('a Kuma-style MeshCircuitBreaker with limits and every detector validates unchanged', () => {
  const spec = {
    ...outbound({ connectionLimits: { maxConnections: 2, maxPendingRequests: 8, maxRetries: 2, maxRequests: 2 } }),
    rules: [
      {
        default: {
          outlierDetection: {
            interval: '5s',
            baseEjectionTime: '30s',
            maxEjectionPercent: 20,
            splitExternalAndLocalErrors: true,
            healthyPanicThreshold: '12.5',
            detectors: {
              totalFailures: { consecutive: 10 },
              gatewayFailures: { consecutive: 10 },
              localOriginFailures: { consecutive: 10 },
              successRate: { minimumHosts: 5, requestVolume: 10, standardDeviationFactor: '1.9' },
              failurePercentage: { requestVolume: 10, minimumHosts: 5, threshold: 85 },
            },
          },
        },
      },
    ],
  };
  const { draft } = validateDocument(kindRegistry, documentOf(spec));
  assert.deepEqual(draft.spec, spec);
});

test('the default MeshCircuitBreaker of a new mesh validates, with its Kuma limits', () => {
  const spec = defaultMeshCircuitBreakerSpec();
  assert.deepEqual(validateDocument(kindRegistry, documentOf(spec)).draft.spec, spec);
  assert.deepEqual(spec.to?.[0]?.default.connectionLimits, { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 });
  assert.equal(spec.to?.[0]?.default.outlierDetection?.disabled, false);
});

test('a zero connection limit is rejected at its path', () => {
  assert.deepEqual(rejection(outbound({ connectionLimits: { maxConnections: 0 } })), [
    { field: 'spec.to[0].default.connectionLimits.maxConnections', reason: 'must be at least 1' },
  ]);
});

test('a default without connectionLimits or outlierDetection is rejected', () => {
  assert.deepEqual(rejection(outbound({})), [
    { field: 'spec.to[0].default', reason: 'must set at least one of connectionLimits or outlierDetection' },
  ]);
});

test('outlier detection needs at least one detector unless disabled', () => {
  assert.deepEqual(rejection(outbound({ outlierDetection: { interval: '5s' } })), [
    { field: 'spec.to[0].default.outlierDetection.detectors', reason: 'is required unless outlier detection is disabled' },
  ]);
  assert.deepEqual(rejection(outbound({ outlierDetection: { detectors: {} } })), [
    {
      field: 'spec.to[0].default.outlierDetection.detectors',
      reason: 'must set at least one of totalFailures, gatewayFailures, localOriginFailures, successRate, failurePercentage',
    },
  ]);
  validateDocument(kindRegistry, documentOf(outbound({ outlierDetection: { disabled: true } })));
});

test('out of range percentages and a zero interval are rejected', () => {
  const conf = {
    outlierDetection: {
      interval: '0s',
      maxEjectionPercent: 101,
      detectors: { failurePercentage: { threshold: 150 } },
    },
  };
  assert.deepEqual(rejection(outbound(conf)), [
    { field: 'spec.to[0].default.outlierDetection.interval', reason: 'must be a duration greater than 0, like 10s' },
    { field: 'spec.to[0].default.outlierDetection.maxEjectionPercent', reason: 'must be at most 100' },
    { field: 'spec.to[0].default.outlierDetection.detectors.failurePercentage.threshold', reason: 'must be at most 100' },
  ]);
});

test('a standardDeviationFactor that is zero or not a number is rejected', () => {
  const factor = (value: unknown) => outbound({ outlierDetection: { detectors: { successRate: { standardDeviationFactor: value } } } });
  const at = 'spec.to[0].default.outlierDetection.detectors.successRate.standardDeviationFactor';
  assert.deepEqual(rejection(factor('0.0')), [{ field: at, reason: 'must be greater than 0' }]);
  assert.deepEqual(rejection(factor('high')), [{ field: at, reason: 'must be a number, or a decimal string like "1.9"' }]);
  validateDocument(kindRegistry, documentOf(factor(1.9)));
});

test('from accepts only Mesh, and a policy needs to, from or rules', () => {
  const spec = { from: [{ targetRef: { kind: 'MeshService', name: 'web' }, default: { connectionLimits: { maxRequests: 5 } } }] };
  assert.deepEqual(rejection(spec), [{ field: 'spec.from[0].targetRef.kind', reason: 'must be "Mesh"' }]);
  assert.deepEqual(rejection({ targetRef: { kind: 'Mesh' } }), [{ field: 'spec.to', reason: 'at least one of to, from or rules must be set' }]);
});

test('an unknown field in connectionLimits is rejected', () => {
  assert.deepEqual(rejection(outbound({ connectionLimits: { maxConnection: 5 } })), [
    { field: 'spec.to[0].default.connectionLimits.maxConnection', reason: 'unknown field' },
  ]);
});
