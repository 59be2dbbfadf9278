import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KogumaError, kindRegistry, validateDocument, type InvalidParameter } from '../../api/index.js';

const route = (spec: unknown) => ({ type: 'MeshTCPRoute', mesh: 'default', name: 'tcp-route', spec });

function rejected(spec: unknown): readonly InvalidParameter[] {
  try {
    validateDocument(kindRegistry, route(spec));
  } catch (error) {
    assert.ok(error instanceof KogumaError);
    assert.equal(error.code, 'InvalidInput');
    return error.invalidParameters;
  }
  assert.fail('expected the document to be rejected');
}

const toBackend = (rules: unknown) => ({ targetRef: { kind: 'Mesh' }, to: [{ targetRef: { kind: 'MeshService', name: 'redis' }, rules }] });

const canary = {
  targetRef: { kind: 'Mesh' },
  to: [
    {
      targetRef: { kind: 'MeshService', name: 'redis_kuma-demo_svc_6379' },
      rules: [
        {
          default: {
            backendRefs: [
              { kind: 'MeshServiceSubset', name: 'redis_kuma-demo_svc_6379', tags: { version: '1.0' }, weight: 90 },
              { kind: 'MeshExternalService', name: 'redis-cloud', weight: 10 },
            ],
          },
        },
      ],
    },
  ],
};

describe('MeshTCPRoute schema', () => {
  it('accepts a weighted split between a subset and an external service, keeping the spec as given', () => {
    const { kind, draft } = validateDocument(kindRegistry, route(canary));
    assert.equal(kind.name, 'MeshTCPRoute');
    assert.equal(kind.shortName, 'mtcpr');
    assert.equal(kind.policy?.order, 200);
    assert.deepEqual(draft.spec, canary);
  });

  it('rejects a rule without backendRefs', () => {
    assert.deepEqual(rejected(toBackend([{ default: {} }])), [
      { field: 'spec.to[0].rules[0].default.backendRefs', reason: 'must have at least one backendRef' },
    ]);
  });

  it('rejects a rule with an empty backendRefs list', () => {
    assert.deepEqual(rejected(toBackend([{ default: { backendRefs: [] } }])), [
      { field: 'spec.to[0].rules[0].default.backendRefs', reason: 'must have at least one backendRef' },
    ]);
  });

  it('rejects a negative weight', () => {
    const rules = [{ default: { backendRefs: [{ kind: 'MeshService', name: 'redis-v2', weight: -5 }] } }];
    assert.deepEqual(rejected(toBackend(rules)), [{ field: 'spec.to[0].rules[0].default.backendRefs[0].weight', reason: 'must be at least 0' }]);
  });

  it('rejects more than one rule, since TCP routes have no matches', () => {
    const rule = { default: { backendRefs: [{ kind: 'MeshService', name: 'redis' }] } };
    assert.deepEqual(rejected(toBackend([rule, rule])), [{ field: 'spec.to[0].rules', reason: 'must have at most 1 items' }]);
  });

  it('rejects an entry without rules and an empty to list', () => {
    assert.deepEqual(rejected({ to: [{ targetRef: { kind: 'MeshService', name: 'redis' } }] }), [{ field: 'spec.to[0].rules', reason: 'is required' }]);
    assert.deepEqual(rejected({ to: [] }), [{ field: 'spec.to', reason: 'must have at least 1 item' }]);
  });

  it('rejects HTTP-only fields such as matches', () => {
    const rules = [{ matches: [{ path: { type: 'Exact', value: '/' } }], default: { backendRefs: [{ kind: 'MeshService', name: 'redis' }] } }];
    assert.deepEqual(rejected(toBackend(rules)), [{ field: 'spec.to[0].rules[0].matches', reason: 'unknown field' }]);
  });

  it('rejects a service destination under a MeshGateway and a Mesh destination under a sidecar', () => {
    const rules = [{ default: { backendRefs: [{ kind: 'MeshService', name: 'redis' }] } }];
    assert.deepEqual(rejected({ ...toBackend(rules), targetRef: { kind: 'MeshGateway', name: 'edge' } }), [
      { field: 'spec.to[0].targetRef.kind', reason: 'must be Mesh when the top-level targetRef is a MeshGateway' },
    ]);
    assert.deepEqual(rejected({ to: [{ targetRef: { kind: 'Mesh' }, rules }] }), [
      { field: 'spec.to[0].targetRef.kind', reason: 'must be MeshService, MeshExternalService or MeshMultiZoneService' },
    ]);
  });

  it('rejects a backendRef port out of range', () => {
    const rules = [{ default: { backendRefs: [{ kind: 'MeshService', name: 'redis', port: 70000 }] } }];
    assert.deepEqual(rejected(toBackend(rules)), [{ field: 'spec.to[0].rules[0].default.backendRefs[0].port', reason: 'must be a port between 1 and 65535' }]);
  });
});
