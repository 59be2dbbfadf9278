import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policiesForProxy, resolveTopLevelDefault } from './match.js';
import { gateway, inbound, policy, sidecar } from './matching-fixtures.js';

const web = sidecar('web-1', [inbound('web', 8080), inbound('web', 9090, { version: 'v2' })], { app: 'web' });

test('matched policies come sorted lowest priority first, each with the inbounds it selected', () => {
  const policies = [
    policy('by-subset', { targetRef: { kind: 'MeshSubset', tags: { version: 'v2' } }, from: [] }),
    policy('mesh-b', { targetRef: { kind: 'Mesh' }, from: [] }),
    policy('by-name', { targetRef: { kind: 'Dataplane', name: 'web-1' }, from: [] }),
    policy('mesh-a', { from: [] }),
    policy('other-service', { targetRef: { kind: 'MeshService', name: 'backend' }, from: [] }),
  ];
  const matched = policiesForProxy(web, policies);
  assert.deepEqual(
    matched.map((m) => [m.policy.name, m.inbounds]),
    [
      ['mesh-b', [0, 1]],
      ['mesh-a', [0, 1]],
      ['by-name', [0, 1]],
      ['by-subset', [1]],
    ],
  );
});

test('a policy labelled kuma.io/effect: shadow is left out; other effects are kept', () => {
  const policies = [
    policy('shadow', { targetRef: { kind: 'Mesh' } }, { 'kuma.io/effect': 'shadow' }),
    policy('live', { targetRef: { kind: 'Mesh' } }, { 'kuma.io/effect': 'live' }),
  ];
  assert.deepEqual(
    policiesForProxy(web, policies).map((m) => m.policy.name),
    ['live'],
  );
});

test('policies of another mesh never match', () => {
  const policies = [
    policy('elsewhere', { targetRef: { kind: 'Mesh' } }, {}, 'other'),
    policy('here', { targetRef: { kind: 'Mesh' } }),
  ];
  assert.deepEqual(
    policiesForProxy(web, policies).map((m) => m.policy.name),
    ['here'],
  );
});

test('proxyTypes picks gateways or sidecars', () => {
  const policies = [
    policy('gateways', { targetRef: { kind: 'Mesh', proxyTypes: ['Gateway'] } }),
    policy('sidecars', { targetRef: { kind: 'Mesh', proxyTypes: ['Sidecar'] } }),
  ];
  assert.deepEqual(
    policiesForProxy(gateway('edge-1', 'edge'), policies).map((m) => m.policy.name),
    ['gateways'],
  );
  assert.deepEqual(
    policiesForProxy(web, policies).map((m) => m.policy.name),
    ['sidecars'],
  );
});

test('top-level defaults merge in priority order', () => {
  const policies = [
    policy('dataplane', {
      targetRef: { kind: 'Dataplane', labels: { app: 'web' } },
      default: { sampling: { overall: 10 }, appendBackends: ['b'] },
    }),
    policy('mesh', {
      targetRef: { kind: 'Mesh' },
      default: { sampling: { overall: 100, random: 50 }, appendBackends: ['a'] },
    }),
  ];
  assert.deepEqual(resolveTopLevelDefault(policiesForProxy(web, policies)), {
    sampling: { overall: 10, random: 50 },
    appendBackends: ['a', 'b'],
  });
});
