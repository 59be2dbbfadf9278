import { describe, it } from 'node:test';
import { expectIssues, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const route = (spec: unknown) => policyDocument('MeshTCPRoute', spec, 'tcp-route');

const toBackend = (rules: unknown) => ({
  targetRef: { kind: 'Mesh' },
  to: [{ targetRef: { kind: 'MeshService', name: 'redis' }, rules }],
});

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
    expectValidAsGiven(route(canary), { name: 'MeshTCPRoute', shortName: 'mtcpr', order: 200 });
  });

  it('rejects a rule without backendRefs', () => {
    expectIssues(route(toBackend([{ default: {} }])), [
      { field: 'spec.to[0].rules[0].default.backendRefs', reason: 'must have at least one backendRef' },
    ]);
  });

  it('rejects a rule with an empty backendRefs list', () => {
    expectIssues(route(toBackend([{ default: { backendRefs: [] } }])), [
      { field: 'spec.to[0].rules[0].default.backendRefs', reason: 'must have at least one backendRef' },
    ]);
  });

  it('rejects a negative weight', () => {
    const rules = [{ default: { backendRefs: [{ kind: 'MeshService', name: 'redis-v2', weight: -5 }] } }];
    expectIssues(route(toBackend(rules)), [
      { field: 'spec.to[0].rules[0].default.backendRefs[0].weight', reason: 'must be an integer from 0 to 4294967295' },
    ]);
  });

  it('rejects more than one rule, since TCP routes have no matches', () => {
    const rule = { default: { backendRefs: [{ kind: 'MeshService', name: 'redis' }] } };
    expectIssues(route(toBackend([rule, rule])), [{ field: 'spec.to[0].rules', reason: 'must have at most 1 items' }]);
  });

  it('rejects an entry without rules and an empty to list', () => {
    expectIssues(route({ to: [{ targetRef: { kind: 'MeshService', name: 'redis' } }] }), [
      { field: 'spec.to[0].rules', reason: 'is required' },
    ]);
    expectIssues(route({ to: [] }), [{ field: 'spec.to', reason: 'must have at least 1 item' }]);
  });

  it('rejects HTTP-only fields such as matches', () => {
    const rules = [
      {
        matches: [{ path: { type: 'Exact', value: '/' } }],
        default: { backendRefs: [{ kind: 'MeshService', name: 'redis' }] },
      },
    ];
    expectIssues(route(toBackend(rules)), [{ field: 'spec.to[0].rules[0].matches', reason: 'unknown field' }]);
  });

  it('rejects a service destination under a MeshGateway and a Mesh destination under a sidecar', () => {
    const rules = [{ default: { backendRefs: [{ kind: 'MeshService', name: 'redis' }] } }];
    expectIssues(route({ ...toBackend(rules), targetRef: { kind: 'MeshGateway', name: 'edge' } }), [
      { field: 'spec.to[0].targetRef.kind', reason: 'must be Mesh when the top-level targetRef is a MeshGateway' },
    ]);
    expectIssues(route({ to: [{ targetRef: { kind: 'Mesh' }, rules }] }), [
      {
        field: 'spec.to[0].targetRef.kind',
        reason: 'must be MeshService, MeshExternalService or MeshMultiZoneService',
      },
    ]);
  });

  it('rejects a backendRef port out of range', () => {
    const rules = [{ default: { backendRefs: [{ kind: 'MeshService', name: 'redis', port: 70000 }] } }];
    expectIssues(route(toBackend(rules)), [
      { field: 'spec.to[0].rules[0].default.backendRefs[0].port', reason: 'must be a port between 1 and 65535' },
    ]);
  });
});
