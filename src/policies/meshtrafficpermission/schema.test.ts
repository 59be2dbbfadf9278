import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindRegistry, KogumaError, validateDocument, type InvalidParameter } from '../../api/index.js';

const documentOf = (spec: unknown) => ({ type: 'MeshTrafficPermission', mesh: 'default', name: 'allow-orders', spec });

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

test('a Kuma-style from[] permission validates unchanged', () => {
  const spec = {
    targetRef: { kind: 'Dataplane', labels: { app: 'payments' } },
    from: [
      { targetRef: { kind: 'MeshSubset', tags: { 'kuma.io/zone': 'us-east' } }, default: { action: 'Allow' } },
      { targetRef: { kind: 'MeshSubset', tags: { env: 'dev' } }, default: { action: 'Deny' } },
      { targetRef: { kind: 'MeshServiceSubset', name: 'orders', tags: { version: 'v2' } }, default: { action: 'AllowWithShadowDeny' } },
    ],
  };
  const { draft } = validateDocument(kindRegistry, documentOf(spec));
  assert.deepEqual(draft.spec, spec);
});

test('a deny-all policy with no top-level targetRef validates', () => {
  const spec = { from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'Deny' } }] };
  assert.deepEqual(validateDocument(kindRegistry, documentOf(spec)).draft.spec, spec);
});

test('rules with SPIFFE ID matches validate unchanged', () => {
  const spec = {
    targetRef: { kind: 'Dataplane', labels: { app: 'my-app' } },
    rules: [
      {
        default: {
          deny: [
            { spiffeID: { type: 'Prefix', value: 'spiffe://my-mesh.us-east-2.mesh.local/ns/legacy-ns' } },
            { spiffeID: { type: 'Exact', value: 'spiffe://my-mesh.us-east-2.mesh.local/ns/test/sa/client' } },
          ],
          allow: [{ spiffeID: { type: 'Prefix', value: 'spiffe://my-mesh.us-east-2.mesh.local' } }],
          allowWithShadowDeny: [{ spiffeID: { type: 'Prefix', value: 'spiffe://my-mesh.us-east-2.mesh.local/ns/observability' } }],
        },
      },
    ],
  };
  assert.deepEqual(validateDocument(kindRegistry, documentOf(spec)).draft.spec, spec);
});

test('an action in Kuma 2.0 upper case or missing is rejected', () => {
  const reason = 'must be one of: Allow, Deny, AllowWithShadowDeny';
  assert.deepEqual(rejection({ from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'ALLOW' } }] }), [
    { field: 'spec.from[0].default.action', reason },
  ]);
  assert.deepEqual(rejection({ from: [{ targetRef: { kind: 'Mesh' }, default: {} }] }), [
    { field: 'spec.from[0].default.action', reason: 'is required' },
  ]);
});

test('from may not name a MeshGateway, and a MeshService needs a name', () => {
  assert.deepEqual(rejection({ from: [{ targetRef: { kind: 'MeshGateway', name: 'edge' }, default: { action: 'Allow' } }] }), [
    { field: 'spec.from[0].targetRef.kind', reason: 'must be one of: Mesh, MeshSubset, MeshService, MeshServiceSubset' },
  ]);
  assert.deepEqual(rejection({ from: [{ targetRef: { kind: 'MeshService' }, default: { action: 'Allow' } }] }), [
    { field: 'spec.from[0].targetRef', reason: 'a MeshService targetRef needs name or labels' },
  ]);
});

test('a rule needs one of its lists, and matches need a SPIFFE ID', () => {
  assert.deepEqual(rejection({ rules: [{ default: {} }] }), [
    { field: 'spec.rules[0].default', reason: 'must set at least one of deny, allow, allowWithShadowDeny' },
  ]);
  assert.deepEqual(rejection({ rules: [{ default: { allow: [{ spiffeID: { type: 'Prefix', value: 'backend' } }] } }] }), [
    { field: 'spec.rules[0].default.allow[0].spiffeID.value', reason: 'must be a SPIFFE ID like spiffe://<trust domain>/<path>' },
  ]);
  assert.deepEqual(rejection({ rules: [{ default: { deny: [{ spiffeID: { type: 'Regex', value: 'spiffe://a' } }] } }] }), [
    { field: 'spec.rules[0].default.deny[0].spiffeID.type', reason: 'must be one of: Exact, Prefix' },
  ]);
});

test('a policy without from or rules, or with to, is rejected', () => {
  assert.deepEqual(rejection({ targetRef: { kind: 'Mesh' } }), [{ field: 'spec.from', reason: 'at least one of from or rules must be set' }]);
  assert.deepEqual(rejection({ to: [] }), [{ field: 'spec.to', reason: 'unknown field' }]);
});
