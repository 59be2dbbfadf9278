import { test } from 'node:test';
import { expectIssues, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const documentOf = (spec: unknown) => policyDocument('MeshTrafficPermission', spec, 'allow-orders');

test('a Kuma-style from[] permission validates unchanged', () => {
  const spec = {
    targetRef: { kind: 'Dataplane', labels: { app: 'payments' } },
    from: [
      { targetRef: { kind: 'MeshSubset', tags: { 'kuma.io/zone': 'us-east' } }, default: { action: 'Allow' } },
      { targetRef: { kind: 'MeshSubset', tags: { env: 'dev' } }, default: { action: 'Deny' } },
      {
        targetRef: { kind: 'MeshServiceSubset', name: 'orders', tags: { version: 'v2' } },
        default: { action: 'AllowWithShadowDeny' },
      },
    ],
  };
  expectValidAsGiven(documentOf(spec));
});

test('a deny-all policy with no top-level targetRef validates', () => {
  const spec = { from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'Deny' } }] };
  expectValidAsGiven(documentOf(spec));
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
          allowWithShadowDeny: [
            { spiffeID: { type: 'Prefix', value: 'spiffe://my-mesh.us-east-2.mesh.local/ns/observability' } },
          ],
        },
      },
    ],
  };
  expectValidAsGiven(documentOf(spec));
});

test('an action in Kuma 2.0 upper case or missing is rejected', () => {
  const reason = 'must be one of: Allow, Deny, AllowWithShadowDeny';
  expectIssues(documentOf({ from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'ALLOW' } }] }), [
    { field: 'spec.from[0].default.action', reason },
  ]);
  expectIssues(documentOf({ from: [{ targetRef: { kind: 'Mesh' }, default: {} }] }), [
    { field: 'spec.from[0].default.action', reason: 'is required' },
  ]);
});

test('from may not name a MeshGateway, and a MeshService needs a name', () => {
  expectIssues(
    documentOf({ from: [{ targetRef: { kind: 'MeshGateway', name: 'edge' }, default: { action: 'Allow' } }] }),
    [
      {
        field: 'spec.from[0].targetRef.kind',
        reason: 'must be one of: Mesh, MeshSubset, MeshService, MeshServiceSubset',
      },
    ],
  );
  expectIssues(documentOf({ from: [{ targetRef: { kind: 'MeshService' }, default: { action: 'Allow' } }] }), [
    { field: 'spec.from[0].targetRef', reason: 'a MeshService targetRef needs name or labels' },
  ]);
});

test('a rule needs one of its lists, and matches need a SPIFFE ID', () => {
  expectIssues(documentOf({ rules: [{ default: {} }] }), [
    { field: 'spec.rules[0].default', reason: 'must set at least one of deny, allow, allowWithShadowDeny' },
  ]);
  expectIssues(documentOf({ rules: [{ default: { allow: [{ spiffeID: { type: 'Prefix', value: 'backend' } }] } }] }), [
    {
      field: 'spec.rules[0].default.allow[0].spiffeID.value',
      reason: 'must be a SPIFFE ID like spiffe://<trust domain>/<path>',
    },
  ]);
  expectIssues(documentOf({ rules: [{ default: { deny: [{ spiffeID: { type: 'Regex', value: 'spiffe://a' } }] } }] }), [
    { field: 'spec.rules[0].default.deny[0].spiffeID.type', reason: 'must be one of: Exact, Prefix' },
  ]);
});

test('a policy without from or rules, or with to, is rejected', () => {
  expectIssues(documentOf({ targetRef: { kind: 'Mesh' } }), [
    { field: 'spec.from', reason: 'at least one of from or rules must be set' },
  ]);
  expectIssues(documentOf({ to: [] }), [{ field: 'spec.to', reason: 'unknown field' }]);
});
