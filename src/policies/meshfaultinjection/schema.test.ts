import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindRegistry, KogumaError, validateDocument, type InvalidParameter } from '../../api/index.js';

const documentOf = (spec: unknown) => ({ type: 'MeshFaultInjection', mesh: 'default', name: 'default-fault-injection', spec });

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

const fromFrontend = (http: unknown) => ({
  targetRef: { kind: 'MeshService', name: 'backend' },
  from: [{ targetRef: { kind: 'MeshSubset', tags: { 'kuma.io/service': 'frontend' } }, default: { http } }],
});

test('a Kuma-style list of HTTP faults validates unchanged', () => {
  const spec = fromFrontend([
    { abort: { httpStatus: 500, percentage: '2.5' }, delay: { value: '5s', percentage: 5 }, responseBandwidth: { limit: '50Mbps', percentage: 50 } },
    { abort: { httpStatus: 503, percentage: 10 } },
    { delay: { value: '5s', percentage: '50.5' } },
  ]);
  const { draft } = validateDocument(kindRegistry, documentOf(spec));
  assert.deepEqual(draft.spec, spec);
});

test('rules apply faults to all inbound traffic', () => {
  const spec = { targetRef: { kind: 'Dataplane', labels: { app: 'backend' } }, rules: [{ default: { http: [{ abort: { httpStatus: 500, percentage: 50 } }] } }] };
  assert.deepEqual(validateDocument(kindRegistry, documentOf(spec)).draft.spec, spec);
});

test('an abort status outside 100-599 is rejected', () => {
  assert.deepEqual(rejection(fromFrontend([{ abort: { httpStatus: 600, percentage: 10 } }])), [
    { field: 'spec.from[0].default.http[0].abort.httpStatus', reason: 'must be an HTTP status code between 100 and 599' },
  ]);
});

test('a percentage above 100 or not a number is rejected', () => {
  const reason = 'must be a percentage between 0 and 100, as a number or a decimal string';
  assert.deepEqual(rejection(fromFrontend([{ delay: { value: '1s', percentage: 101 } }, { abort: { httpStatus: 500, percentage: 'half' } }])), [
    { field: 'spec.from[0].default.http[0].delay.percentage', reason },
    { field: 'spec.from[0].default.http[1].abort.percentage', reason },
  ]);
});

test('a bandwidth without a bps unit is rejected', () => {
  assert.deepEqual(rejection(fromFrontend([{ responseBandwidth: { limit: '50', percentage: 10 } }])), [
    { field: 'spec.from[0].default.http[0].responseBandwidth.limit', reason: 'must be a bandwidth like 10kbps, 50Mbps or 1Gbps' },
  ]);
});

test('a delay needs its value and percentage', () => {
  assert.deepEqual(rejection(fromFrontend([{ delay: { value: '1s' } }])), [
    { field: 'spec.from[0].default.http[0].delay.percentage', reason: 'is required' },
  ]);
});

test('to is for gateways only, and a gateway policy takes no from', () => {
  const toMesh = { targetRef: { kind: 'Mesh' }, default: { http: [{ abort: { httpStatus: 500, percentage: 1 } }] } };
  validateDocument(kindRegistry, documentOf({ targetRef: { kind: 'MeshGateway', name: 'edge' }, to: [toMesh] }));
  assert.deepEqual(rejection({ targetRef: { kind: 'MeshService', name: 'backend' }, to: [toMesh] }), [
    { field: 'spec.to', reason: 'must not be set: outbound faults apply to built-in gateways only, and a MeshService targetRef selects none' },
  ]);
  assert.deepEqual(rejection({ ...fromFrontend([]), targetRef: { kind: 'MeshGateway', name: 'edge' } }), [
    { field: 'spec.from', reason: 'must not be set when the top-level targetRef is MeshGateway; use to' },
  ]);
});

test('a policy without to, from or rules is rejected', () => {
  assert.deepEqual(rejection({ targetRef: { kind: 'Mesh' } }), [{ field: 'spec.from', reason: 'at least one of to, from or rules must be set' }]);
});
