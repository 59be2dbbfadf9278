import { test } from 'node:test';
import { expectIssues, expectValid, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const documentOf = (spec: unknown) => policyDocument('MeshFaultInjection', spec, 'default-fault-injection');

const fromFrontend = (http: unknown) => ({
  targetRef: { kind: 'MeshService', name: 'backend' },
  from: [{ targetRef: { kind: 'MeshSubset', tags: { 'kuma.io/service': 'frontend' } }, default: { http } }],
});

test('a Kuma-style list of HTTP faults validates unchanged', () => {
  const spec = fromFrontend([
    {
      abort: { httpStatus: 500, percentage: '2.5' },
      delay: { value: '5s', percentage: 5 },
      responseBandwidth: { limit: '50Mbps', percentage: 50 },
    },
    { abort: { httpStatus: 503, percentage: 10 } },
    { delay: { value: '5s', percentage: '50.5' } },
  ]);
  expectValidAsGiven(documentOf(spec));
});

test('rules apply faults to all inbound traffic', () => {
  const spec = {
    targetRef: { kind: 'Dataplane', labels: { app: 'backend' } },
    rules: [{ default: { http: [{ abort: { httpStatus: 500, percentage: 50 } }] } }],
  };
  expectValidAsGiven(documentOf(spec));
});

test('an abort status outside 100-599 is rejected', () => {
  expectIssues(documentOf(fromFrontend([{ abort: { httpStatus: 600, percentage: 10 } }])), [
    {
      field: 'spec.from[0].default.http[0].abort.httpStatus',
      reason: 'must be an HTTP status code between 100 and 599',
    },
  ]);
});

test('a percentage above 100 or not a number is rejected', () => {
  const reason = 'must be a percentage between 0 and 100, as a number or a decimal string';
  expectIssues(
    documentOf(
      fromFrontend([{ delay: { value: '1s', percentage: 101 } }, { abort: { httpStatus: 500, percentage: 'half' } }]),
    ),
    [
      { field: 'spec.from[0].default.http[0].delay.percentage', reason },
      { field: 'spec.from[0].default.http[1].abort.percentage', reason },
    ],
  );
});

test('a bandwidth without a bps unit is rejected', () => {
  expectIssues(documentOf(fromFrontend([{ responseBandwidth: { limit: '50', percentage: 10 } }])), [
    {
      field: 'spec.from[0].default.http[0].responseBandwidth.limit',
      reason: 'must be a bandwidth like 10kbps, 50Mbps or 1Gbps',
    },
  ]);
});

test('a delay needs its value and percentage', () => {
  expectIssues(documentOf(fromFrontend([{ delay: { value: '1s' } }])), [
    { field: 'spec.from[0].default.http[0].delay.percentage', reason: 'is required' },
  ]);
});

test('to is for gateways only, and a gateway policy takes no from', () => {
  const toMesh = { targetRef: { kind: 'Mesh' }, default: { http: [{ abort: { httpStatus: 500, percentage: 1 } }] } };
  expectValid(documentOf({ targetRef: { kind: 'MeshGateway', name: 'edge' }, to: [toMesh] }));
  expectIssues(documentOf({ targetRef: { kind: 'MeshService', name: 'backend' }, to: [toMesh] }), [
    {
      field: 'spec.to',
      reason:
        'must not be set: outbound faults apply to built-in gateways only, and a MeshService targetRef selects none',
    },
  ]);
  expectIssues(documentOf({ ...fromFrontend([]), targetRef: { kind: 'MeshGateway', name: 'edge' } }), [
    { field: 'spec.from', reason: 'must not be set when the top-level targetRef is MeshGateway; use to' },
  ]);
});

test('a policy without to, from or rules is rejected', () => {
  expectIssues(documentOf({ targetRef: { kind: 'Mesh' } }), [
    { field: 'spec.from', reason: 'at least one of to, from or rules must be set' },
  ]);
});
