import { test } from 'node:test';
import { expectIssues, expectValid, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const documentOf = (spec: unknown) => policyDocument('MeshHealthCheck', spec, 'web-to-backend-check');

const toBackend = (conf: unknown, top: unknown = { kind: 'Dataplane', labels: { app: 'web' } }) => ({
  targetRef: top,
  to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, default: conf }],
});

test('a Kuma-style MeshHealthCheck validates unchanged', () => {
  const spec = toBackend({
    interval: '10s',
    timeout: '2s',
    unhealthyThreshold: 3,
    healthyThreshold: 1,
    healthyPanicThreshold: 60,
    failTrafficOnPanic: true,
    noTrafficInterval: '1s',
    reuseConnection: false,
    http: {
      path: '/health',
      expectedStatuses: [200, 201],
      requestHeadersToAdd: { set: [{ name: 'x-health', value: 'yes' }], add: [{ name: 'x-probe', value: 'kuma' }] },
    },
    tcp: { send: 'Zm9v', receive: ['YmFy'] },
    grpc: { serviceName: 'backend', authority: 'backend.mesh' },
  });
  expectValidAsGiven(documentOf(spec));
});

test('a default with none of tcp, http or grpc is rejected', () => {
  expectIssues(documentOf(toBackend({ interval: '10s' })), [
    { field: 'spec.to[0].default', reason: 'must set at least one of tcp, http or grpc' },
  ]);
});

test('zero durations and thresholds are rejected at their paths', () => {
  expectIssues(documentOf(toBackend({ interval: '0s', unhealthyThreshold: 0, tcp: {} })), [
    { field: 'spec.to[0].default.interval', reason: 'must be a duration greater than 0, like 10s' },
    { field: 'spec.to[0].default.unhealthyThreshold', reason: 'must be at least 1' },
  ]);
});

test('an expected status outside 100-599 and an empty path are rejected', () => {
  expectIssues(documentOf(toBackend({ http: { path: '', expectedStatuses: [200, 600] } })), [
    { field: 'spec.to[0].default.http.path', reason: 'must not be empty' },
    { field: 'spec.to[0].default.http.expectedStatuses[1]', reason: 'must be an HTTP status code between 100 and 599' },
  ]);
});

test('a MeshExternalService destination needs a Mesh top-level targetRef', () => {
  const spec = {
    targetRef: { kind: 'Dataplane', labels: { app: 'web' } },
    to: [{ targetRef: { kind: 'MeshExternalService', name: 'httpbin' }, default: { http: {} } }],
  };
  expectIssues(documentOf(spec), [
    {
      field: 'spec.to[0].targetRef.kind',
      reason: 'MeshExternalService is only allowed when the top-level targetRef is Mesh',
    },
  ]);
  expectValid(documentOf({ ...spec, targetRef: { kind: 'Mesh' } }));
});

test('to is required and from is not a MeshHealthCheck section', () => {
  expectIssues(documentOf({ targetRef: { kind: 'Mesh' } }), [{ field: 'spec.to', reason: 'is required' }]);
  expectIssues(documentOf({ ...toBackend({ tcp: {} }), from: [] }), [{ field: 'spec.from', reason: 'unknown field' }]);
});

test('an upper case request header name is rejected', () => {
  expectIssues(
    documentOf(toBackend({ http: { requestHeadersToAdd: { set: [{ name: 'X-Health', value: 'yes' }] } } })),
    [
      {
        field: 'spec.to[0].default.http.requestHeadersToAdd.set[0].name',
        reason: 'must be a lower case HTTP header name other than host (Envoy does not modify Host this way)',
      },
    ],
  );
});
