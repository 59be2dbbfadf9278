import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectIssues, expectRejected, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';
import { defaultMeshRetrySpec } from './schema.js';

const documentOf = (spec: unknown) => policyDocument('MeshRetry', spec, 'frontend-to-backend-retry');

const toBackend = (conf: unknown) => ({
  targetRef: { kind: 'Dataplane', labels: { app: 'frontend' } },
  to: [{ targetRef: { kind: 'MeshService', name: 'backend', sectionName: 'http' }, default: conf }],
});

test('a Kuma-style MeshRetry for HTTP, gRPC and TCP validates unchanged', () => {
  const spec = toBackend({
    tcp: { maxConnectAttempt: 5 },
    http: {
      numRetries: 10,
      perTryTimeout: '2s',
      backOff: { baseInterval: '15s', maxInterval: '20m' },
      retryOn: ['5xx', 'GatewayError', '429'],
      rateLimitedBackOff: { resetHeaders: [{ name: 'retry-after', format: 'Seconds' }], maxInterval: '300s' },
      retriableRequestHeaders: [{ type: 'Exact', name: 'x-retry', value: 'yes' }],
      hostSelection: [{ predicate: 'OmitPreviousHosts' }, { predicate: 'OmitHostsWithTags', tags: { version: 'v1' } }],
    },
    grpc: {
      numRetries: 5,
      backOff: { baseInterval: '5s', maxInterval: '1m' },
      retryOn: ['DeadlineExceeded', 'Unavailable'],
    },
  });
  expectValidAsGiven(documentOf(spec));
});

test('the default MeshRetry of a new mesh validates', () => {
  const spec = defaultMeshRetrySpec();
  expectValidAsGiven(documentOf(spec));
  assert.deepEqual(spec.to[0]?.default.http, {
    numRetries: 5,
    perTryTimeout: '16s',
    backOff: { baseInterval: '25ms', maxInterval: '250ms' },
  });
});

test('a negative or fractional numRetries is rejected at its path', () => {
  expectIssues(documentOf(toBackend({ http: { numRetries: -1 } })), [
    { field: 'spec.to[0].default.http.numRetries', reason: 'must be an integer from 0 to 4294967295' },
  ]);
  expectIssues(documentOf(toBackend({ http: { numRetries: 1.5 } })), [
    { field: 'spec.to[0].default.http.numRetries', reason: 'in body must be of type integer: "number"' },
  ]);
});

test('a backOff whose baseInterval exceeds maxInterval is rejected', () => {
  expectIssues(documentOf(toBackend({ grpc: { backOff: { baseInterval: '2s', maxInterval: '500ms' } } })), [
    { field: 'spec.to[0].default.grpc.backOff.maxInterval', reason: 'must not be less than baseInterval' },
  ]);
});

test('a zero baseInterval and an empty backOff are rejected', () => {
  expectIssues(documentOf(toBackend({ http: { backOff: { baseInterval: '0s' } } })), [
    { field: 'spec.to[0].default.http.backOff.baseInterval', reason: 'must be a duration greater than 0, like 25ms' },
  ]);
  expectIssues(documentOf(toBackend({ http: { backOff: {} } })), [
    { field: 'spec.to[0].default.http.backOff', reason: 'must set baseInterval or maxInterval' },
  ]);
});

test('an unknown HTTP retryOn condition is rejected, status codes are accepted', () => {
  const [issue] = expectRejected(documentOf(toBackend({ http: { retryOn: ['503', 'all_5xx'] } })));
  assert.equal(issue?.field, 'spec.to[0].default.http.retryOn[1]');
  assert.match(issue?.reason ?? '', /^unknown condition "all_5xx"/);
});

test('an unknown gRPC retryOn condition is rejected by the schema', () => {
  expectIssues(documentOf(toBackend({ grpc: { retryOn: ['Cancelled'] } })), [
    {
      field: 'spec.to[0].default.grpc.retryOn[0]',
      reason: 'must be one of: Canceled, DeadlineExceeded, Internal, ResourceExhausted, Unavailable',
    },
  ]);
});

test('a default without tcp, http or grpc, or with an empty http, is rejected', () => {
  expectIssues(documentOf(toBackend({})), [
    { field: 'spec.to[0].default', reason: 'must set at least one of tcp, http or grpc' },
  ]);
  expectIssues(documentOf(toBackend({ http: {} })), [
    { field: 'spec.to[0].default.http', reason: 'must not be empty' },
  ]);
});

test('host selection needs tags for OmitHostsWithTags and at most one OmitPreviousPriorities', () => {
  const conf = {
    http: {
      hostSelection: [
        { predicate: 'OmitHostsWithTags' },
        { predicate: 'OmitPreviousPriorities', updateFrequency: 2 },
        { predicate: 'OmitPreviousPriorities' },
      ],
    },
  };
  expectIssues(documentOf(toBackend(conf)), [
    { field: 'spec.to[0].default.http.hostSelection[0].tags', reason: 'is required for OmitHostsWithTags' },
    {
      field: 'spec.to[0].default.http.hostSelection[2].predicate',
      reason: 'OmitPreviousPriorities may be given only once',
    },
  ]);
});

test('every host selection predicate, with hostSelectionMaxAttempts, validates unchanged', () => {
  const hostSelection = [
    { predicate: 'OmitPreviousHosts' },
    { predicate: 'OmitHostsWithTags', tags: { version: 'v1', 'kuma.io/zone': 'east' } },
    { predicate: 'OmitPreviousPriorities', updateFrequency: 4 },
  ];
  expectValidAsGiven(documentOf(toBackend({ http: { hostSelection, hostSelectionMaxAttempts: 3 } })));
});

test('an updateFrequency below 1 is rejected (Envoy requires update_frequency > 0)', () => {
  expectIssues(
    documentOf(toBackend({ http: { hostSelection: [{ predicate: 'OmitPreviousPriorities', updateFrequency: 0 }] } })),
    [
      {
        field: 'spec.to[0].default.http.hostSelection[0].updateFrequency',
        reason: 'must be an integer from 1 to 2147483647',
      },
    ],
  );
});

test('to is required, and from is not a MeshRetry section', () => {
  expectIssues(documentOf({ targetRef: { kind: 'Mesh' } }), [{ field: 'spec.to', reason: 'is required' }]);
  expectIssues(documentOf({ to: [] }), [{ field: 'spec.to', reason: 'must have at least 1 item' }]);
  expectIssues(documentOf({ ...toBackend({ tcp: { maxConnectAttempt: 1 } }), from: [] }), [
    { field: 'spec.from', reason: 'unknown field' },
  ]);
});

test('behind a MeshGateway, to may only name Mesh or MeshExternalService', () => {
  const spec = {
    targetRef: { kind: 'MeshGateway', name: 'edge' },
    to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, default: { tcp: { maxConnectAttempt: 2 } } }],
  };
  expectIssues(documentOf(spec), [
    {
      field: 'spec.to[0].targetRef.kind',
      reason: 'must be Mesh or MeshExternalService when the top-level targetRef is MeshGateway',
    },
  ]);
});
