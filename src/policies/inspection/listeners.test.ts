import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../api/index.js';
import { LISTENER, listenerNamed, listenersOf, matchedForListener } from './listeners.js';

const resource = (kind: string, spec: Record<string, unknown>): Resource =>
  ({ kind, mesh: 'default', name: 'r', labels: {}, spec, version: 1 }) as unknown as Resource;

const egress = resource('Dataplane', {
  networking: {
    address: '127.0.0.1',
    inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web' } }],
    listeners: [
      { type: 'ZoneEgress', address: '127.0.0.1', port: 10002, name: 'ze-port' },
      { type: 'ZoneIngress', address: '127.0.0.1', port: 10001 },
    ],
  },
});

test('a listener is found by its name, or by its port when it has none', () => {
  assert.deepEqual(listenersOf(egress), [{ name: 'ze-port', port: 10002 }, { port: 10001 }]);
  assert.deepEqual(listenerNamed(egress, 'ze-port'), { name: 'ze-port', port: 10002 });
  assert.deepEqual(listenerNamed(egress, '10001'), { port: 10001 });
  assert.equal(listenerNamed(egress, '10002'), undefined, 'a named listener answers to its name only');
  assert.deepEqual(listenersOf(resource('MeshGateway', { networking: { listeners: [{ port: 1 }] } })), []);
});

test('only the policies that select the whole proxy configure a listener', () => {
  const policy = (targetRef: object | undefined) => ({
    policy: resource('MeshTimeout', targetRef === undefined ? {} : { targetRef }),
    inbounds: [0],
  });
  const matched = [
    policy(undefined),
    policy({ kind: 'Mesh' }),
    policy({ kind: 'Dataplane', labels: { app: 'web' } }),
    policy({ kind: 'Dataplane', sectionName: 'main' }),
    policy({ kind: 'MeshService', name: 'web' }),
  ];
  assert.deepEqual(
    matchedForListener(matched).map((m) => m.inbounds),
    [[LISTENER], [LISTENER], [LISTENER], [], []],
  );
});
