import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../api/resource.js';
import { policy } from './matching-fixtures.js';
import { comparePolicies } from './specificity.js';

const sortedNames = (policies: Resource[]) => [...policies].sort(comparePolicies).map((p) => p.name);
const top = (targetRef: Record<string, unknown>) => ({ targetRef, to: [] });

// Each case lists policies from lowest to highest priority; sorting any shuffle must give that order back.
const cases: { rule: string; policies: Resource[] }[] = [
  {
    rule: 'top-level kind: Mesh < Dataplane < MeshSubset < MeshGateway < MeshService < MeshServiceSubset < MeshHTTPRoute',
    policies: [
      policy('z-mesh', top({ kind: 'Mesh' })),
      policy('y-dataplane', top({ kind: 'Dataplane', name: 'web-1' })),
      policy('x-subset', top({ kind: 'MeshSubset', tags: { a: 'b' } })),
      policy('w-gateway', top({ kind: 'MeshGateway', name: 'gw' })),
      policy('v-service', top({ kind: 'MeshService', name: 'web' })),
      policy('u-service-subset', top({ kind: 'MeshServiceSubset', name: 'web', tags: { a: 'b' } })),
      policy('t-route', top({ kind: 'MeshHTTPRoute', name: 'r' })),
    ],
  },
  {
    rule: 'a missing top-level targetRef is Mesh',
    policies: [
      policy('a-implicit-mesh', { to: [] }),
      policy('z-subset', top({ kind: 'MeshSubset', tags: { a: 'b' } })),
    ],
  },
  {
    rule: 'Dataplane: labels < labels+sectionName < name < name+sectionName',
    policies: [
      policy('a-labels', top({ kind: 'Dataplane', labels: { app: 'web' } })),
      policy('b-labels-section', top({ kind: 'Dataplane', labels: { app: 'web' }, sectionName: 'http' })),
      policy('c-name', top({ kind: 'Dataplane', name: 'web-1' })),
      policy('d-name-section', top({ kind: 'Dataplane', name: 'web-1', sectionName: 'http' })),
    ],
  },
  {
    rule: 'origin: global < no origin < zone',
    policies: [
      policy('a-global', top({ kind: 'Mesh' }), { 'kuma.io/origin': 'global' }),
      policy('b-none', top({ kind: 'Mesh' })),
      policy('c-zone', top({ kind: 'Mesh' }), { 'kuma.io/origin': 'zone' }),
    ],
  },
  {
    rule: 'origin ranks below the top-level kind',
    policies: [
      policy('a-zone-mesh', top({ kind: 'Mesh' }), { 'kuma.io/origin': 'zone' }),
      policy('b-global-dp', top({ kind: 'Dataplane', name: 'x' }), { 'kuma.io/origin': 'global' }),
    ],
  },
  {
    rule: 'MeshGateway: fewer listener tags < more, below origin and above role',
    policies: [
      policy('a-zone-all', top({ kind: 'MeshGateway', name: 'gw' }), { 'kuma.io/origin': 'global' }),
      policy('b-owner-all', top({ kind: 'MeshGateway', name: 'gw' }), { 'kuma.io/policy-role': 'workload-owner' }),
      policy('c-one-tag', top({ kind: 'MeshGateway', name: 'gw', tags: { port: 'http' } })),
      policy('d-two-tags', top({ kind: 'MeshGateway', name: 'gw', tags: { port: 'http', team: 'a' } })),
    ],
  },
  {
    rule: 'policy role: system (and none) < producer < consumer < workload-owner',
    policies: [
      policy('a-system', top({ kind: 'Mesh' }), { 'kuma.io/policy-role': 'system' }),
      policy('b-producer', top({ kind: 'Mesh' }), { 'kuma.io/policy-role': 'producer' }),
      policy('c-consumer', top({ kind: 'Mesh' }), { 'kuma.io/policy-role': 'consumer' }),
      policy('d-owner', top({ kind: 'Mesh' }), { 'kuma.io/policy-role': 'workload-owner' }),
    ],
  },
  {
    rule: 'role ranks below origin',
    policies: [
      policy('a-global-owner', top({ kind: 'Mesh' }), {
        'kuma.io/origin': 'global',
        'kuma.io/policy-role': 'workload-owner',
      }),
      policy('b-zone-system', top({ kind: 'Mesh' }), { 'kuma.io/origin': 'zone' }),
    ],
  },
  {
    rule: 'name in inverted lexicographic order: the alphabetically smaller name comes last and wins',
    policies: [
      policy('zzzzz', top({ kind: 'Mesh' })),
      policy('aaaaa1', top({ kind: 'Mesh' })),
      policy('aaaaa', top({ kind: 'Mesh' })),
      policy('aaa', top({ kind: 'Mesh' })),
    ],
  },
  {
    rule: 'names compare by code unit, not locale: "Z" < "a"',
    policies: [policy('a', top({ kind: 'Mesh' })), policy('Z', top({ kind: 'Mesh' }))],
  },
  {
    rule: 'the display-name label stands for the name (a synced policy keeps its original name there)',
    policies: [
      policy('a-hashed-xyz', top({ kind: 'Mesh' }), { 'kuma.io/display-name': 'zeta' }),
      policy('m-plain', top({ kind: 'Mesh' })),
      policy('z-hashed-abc', top({ kind: 'Mesh' }), { 'kuma.io/display-name': 'alpha' }),
    ],
  },
];

for (const c of cases) {
  test(`priority: ${c.rule}`, () => {
    const expected = c.policies.map((p) => p.name);
    assert.deepEqual(sortedNames(c.policies), expected);
    assert.deepEqual(sortedNames([...c.policies].reverse()), expected);
  });
}
