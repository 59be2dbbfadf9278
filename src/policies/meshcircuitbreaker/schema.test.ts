import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectIssues, expectValid, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';
import { defaultMeshCircuitBreakerSpec } from './schema.js';

const documentOf = (spec: unknown) => policyDocument('MeshCircuitBreaker', spec, 'web-to-backend-circuit-breaker');

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
  expectValidAsGiven(documentOf(spec));
});

test('the default MeshCircuitBreaker of a new mesh validates, with its Kuma limits', () => {
  const spec = defaultMeshCircuitBreakerSpec();
  expectValidAsGiven(documentOf(spec));
  assert.deepEqual(spec.to?.[0]?.default.connectionLimits, {
    maxConnections: 1024,
    maxPendingRequests: 1024,
    maxRequests: 1024,
    maxRetries: 3,
  });
  assert.equal(spec.to?.[0]?.default.outlierDetection?.disabled, false);
});

test('a zero connection limit is rejected at its path', () => {
  expectIssues(documentOf(outbound({ connectionLimits: { maxConnections: 0 } })), [
    { field: 'spec.to[0].default.connectionLimits.maxConnections', reason: 'must be at least 1' },
  ]);
});

test('a default without connectionLimits or outlierDetection is rejected', () => {
  expectIssues(documentOf(outbound({})), [
    { field: 'spec.to[0].default', reason: 'must set at least one of connectionLimits or outlierDetection' },
  ]);
});

test('outlier detection needs at least one detector unless disabled', () => {
  expectIssues(documentOf(outbound({ outlierDetection: { interval: '5s' } })), [
    {
      field: 'spec.to[0].default.outlierDetection.detectors',
      reason: 'is required unless outlier detection is disabled',
    },
  ]);
  expectIssues(documentOf(outbound({ outlierDetection: { detectors: {} } })), [
    {
      field: 'spec.to[0].default.outlierDetection.detectors',
      reason:
        'must set at least one of totalFailures, gatewayFailures, localOriginFailures, successRate, failurePercentage',
    },
  ]);
  expectValid(documentOf(outbound({ outlierDetection: { disabled: true } })));
});

test('out of range percentages and a zero interval are rejected', () => {
  const conf = {
    outlierDetection: {
      interval: '0s',
      maxEjectionPercent: 101,
      detectors: { failurePercentage: { threshold: 150 } },
    },
  };
  expectIssues(documentOf(outbound(conf)), [
    { field: 'spec.to[0].default.outlierDetection.interval', reason: 'must be a duration greater than 0, like 10s' },
    { field: 'spec.to[0].default.outlierDetection.maxEjectionPercent', reason: 'must be at most 100' },
    {
      field: 'spec.to[0].default.outlierDetection.detectors.failurePercentage.threshold',
      reason: 'must be at most 100',
    },
  ]);
});

test('a standardDeviationFactor that is zero or not a number is rejected', () => {
  const factor = (value: unknown) =>
    outbound({ outlierDetection: { detectors: { successRate: { standardDeviationFactor: value } } } });
  const at = 'spec.to[0].default.outlierDetection.detectors.successRate.standardDeviationFactor';
  expectIssues(documentOf(factor('0.0')), [{ field: at, reason: 'must be greater than 0' }]);
  expectIssues(documentOf(factor('high')), [
    { field: at, reason: 'must be a number up to 4294967.295, or a decimal string like "1.9"' },
  ]);
  expectValid(documentOf(factor(1.9)));
});

test('from accepts only Mesh, and a policy needs to, from or rules', () => {
  const spec = {
    from: [{ targetRef: { kind: 'MeshService', name: 'web' }, default: { connectionLimits: { maxRequests: 5 } } }],
  };
  expectIssues(documentOf(spec), [{ field: 'spec.from[0].targetRef.kind', reason: 'must be "Mesh"' }]);
  expectIssues(documentOf({ targetRef: { kind: 'Mesh' } }), [
    { field: 'spec.to', reason: 'at least one of to, from or rules must be set' },
  ]);
});

test('an unknown field in connectionLimits is rejected', () => {
  expectIssues(documentOf(outbound({ connectionLimits: { maxConnection: 5 } })), [
    { field: 'spec.to[0].default.connectionLimits.maxConnection', reason: 'unknown field' },
  ]);
});
