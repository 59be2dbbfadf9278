import { test } from 'node:test';
import { expectIssues, expectValid, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const documentOf = (spec: unknown) => policyDocument('MeshRateLimit', spec, 'backend-rate-limit');

const inbound = (local: unknown) => ({
  targetRef: { kind: 'Dataplane', labels: { app: 'backend' } },
  from: [{ targetRef: { kind: 'Mesh' }, default: { local } }],
});

test('a Kuma-style HTTP and TCP MeshRateLimit validates unchanged', () => {
  const spec = {
    ...inbound({
      http: {
        requestRate: { num: 5, interval: '10s' },
        onRateLimit: { status: 423, headers: { set: [{ name: 'x-kuma-rate-limited', value: 'true' }] } },
      },
      tcp: { connectionRate: { num: 5, interval: '10s' } },
    }),
    rules: [{ default: { local: { http: { disabled: true } } } }],
  };
  expectValidAsGiven(documentOf(spec));
});

test('a request rate of zero is rejected', () => {
  expectIssues(documentOf(inbound({ http: { requestRate: { num: 0, interval: '1s' } } })), [
    { field: 'spec.from[0].default.local.http.requestRate.num', reason: 'must be an integer greater than 0' },
  ]);
});

test('an interval shorter than 50ms is rejected, 50ms itself is accepted', () => {
  expectIssues(documentOf(inbound({ tcp: { connectionRate: { num: 1, interval: '49ms' } } })), [
    { field: 'spec.from[0].default.local.tcp.connectionRate.interval', reason: 'must be at least 50ms' },
  ]);
  expectValid(documentOf(inbound({ tcp: { connectionRate: { num: 1, interval: '50ms' } } })));
});

test('local needs http or tcp, and each needs one of its settings', () => {
  expectIssues(documentOf(inbound({})), [
    { field: 'spec.from[0].default.local', reason: 'must set at least one of http or tcp' },
  ]);
  expectIssues(documentOf(inbound({ http: {}, tcp: {} })), [
    {
      field: 'spec.from[0].default.local.http',
      reason: 'must set at least one of disabled, requestRate or onRateLimit',
    },
    { field: 'spec.from[0].default.local.tcp', reason: 'must set at least one of disabled or connectionRate' },
  ]);
  expectIssues(documentOf({ from: [{ targetRef: { kind: 'Mesh' }, default: {} }] }), [
    { field: 'spec.from[0].default.local', reason: 'is required' },
  ]);
});

test('to is only allowed when the top-level targetRef can select a gateway', () => {
  const toGateway = (targetRef: unknown) => ({
    targetRef,
    to: [{ targetRef: { kind: 'Mesh' }, default: { local: { http: { requestRate: { num: 100, interval: '1s' } } } } }],
  });
  expectValid(documentOf(toGateway({ kind: 'MeshGateway', name: 'edge' })));
  expectIssues(documentOf(toGateway({ kind: 'Dataplane', name: 'backend-1' })), [
    {
      field: 'spec.to',
      reason:
        'must not be set: rate limits on outbound traffic apply to built-in gateways only, and a Dataplane targetRef selects none',
    },
  ]);
});

test('from names only Mesh, and the old requests/interval shape is rejected', () => {
  const spec = {
    from: [{ targetRef: { kind: 'MeshService', name: 'web' }, default: { local: { http: { disabled: true } } } }],
  };
  expectIssues(documentOf(spec), [{ field: 'spec.from[0].targetRef.kind', reason: 'must be "Mesh"' }]);
  expectIssues(documentOf(inbound({ http: { requests: 5, interval: '10s' } })), [
    { field: 'spec.from[0].default.local.http.requests', reason: 'unknown field' },
    { field: 'spec.from[0].default.local.http.interval', reason: 'unknown field' },
  ]);
});

test('an onRateLimit status outside 100-599 is rejected', () => {
  expectIssues(documentOf(inbound({ http: { onRateLimit: { status: 42 } } })), [
    {
      field: 'spec.from[0].default.local.http.onRateLimit.status',
      reason: 'must be an HTTP status code between 100 and 599',
    },
  ]);
});
