import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../api/resource.js';
import type { ProxyContext } from '../../xds/generate/proxy-context.js';
import { policiesForProxy, type MatchedPolicy } from '../core/match.js';
import { storedPolicy } from '../core/testkit/policies.js';
import { proxyRulesOf } from './rules.js';

const web = {
  address: '10.0.0.1',
  port: 8080,
  serviceAddress: '127.0.0.1',
  servicePort: 8081,
  service: 'web',
  protocol: 'http' as const,
  tags: { 'kuma.io/service': 'web' },
};

/** Proxy web-1 (inbound web, outbounds backend and db) with the policies that select it, matched as the engine does. */
function proxyWith(policies: readonly Resource[]): ProxyContext {
  const plain = {
    name: 'web-1',
    mesh: 'default',
    labels: {},
    kind: 'Sidecar' as const,
    inbounds: [{ tags: web.tags, port: web.port }],
  };
  const routes = policiesForProxy(
    plain,
    policies.filter((p) => p.kind === 'MeshHTTPRoute'),
  ).map(({ policy }) => ({ name: policy.name, labels: policy.labels }));
  const description = { ...plain, routes };
  const byKind = new Map<string, MatchedPolicy[]>();
  for (const kind of new Set(policies.map((p) => p.kind))) {
    const matched = policiesForProxy(
      description,
      policies.filter((p) => p.kind === kind),
    );
    if (matched.length > 0) byKind.set(kind, matched);
  }
  return {
    mesh: 'default',
    name: 'web-1',
    flavour: 'envoy',
    address: '10.0.0.1',
    inbounds: [web],
    outbounds: [
      { address: '127.0.0.1', port: 10001, service: 'backend' },
      { address: '127.0.0.1', port: 10002, service: 'db' },
    ],
    destinations: new Map(),
    policies: byKind,
  };
}

const meshWide = storedPolicy('MeshTimeout', 'mesh-wide', {
  targetRef: { kind: 'Mesh' },
  to: [{ targetRef: { kind: 'Mesh' }, default: { connectionTimeout: '5s', idleTimeout: '1h' } }],
  from: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '30m' } }],
});
const toBackend = storedPolicy('MeshTimeout', 'to-backend', {
  targetRef: { kind: 'Mesh' },
  to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, default: { connectionTimeout: '2s' } }],
});
const elsewhere = storedPolicy('MeshTimeout', 'for-billing', {
  targetRef: { kind: 'MeshService', name: 'billing' },
  to: [{ targetRef: { kind: 'Mesh' }, default: { connectionTimeout: '9s' } }],
});
const patch = (name: string, clusterName: string) =>
  storedPolicy('MeshProxyPatch', name, {
    targetRef: { kind: 'Mesh' },
    default: { appendModifications: [{ cluster: { match: { name: clusterName }, operation: 'Remove' } }] },
  });

test('to-rules: per destination, the merged conf and the entries merged, lowest priority first', () => {
  const [timeouts] = proxyRulesOf(proxyWith([meshWide, toBackend, elsewhere]));
  assert.equal(timeouts?.kind, 'MeshTimeout');
  assert.deepEqual(timeouts.to, [
    {
      destination: { kind: 'MeshService', name: 'backend' },
      conf: { connectionTimeout: '2s', idleTimeout: '1h' },
      from: [
        { name: 'mesh-wide', index: 0 },
        { name: 'to-backend', index: 0 },
      ],
    },
    {
      destination: { kind: 'MeshService', name: 'db' },
      conf: { connectionTimeout: '5s', idleTimeout: '1h' },
      from: [{ name: 'mesh-wide', index: 0 }],
    },
  ]);
});

test('matched: the policies selecting the proxy in priority order (the later wins), and the inbounds each configures', () => {
  const [timeouts] = proxyRulesOf(proxyWith([meshWide, toBackend, elsewhere]));
  // Same kind and targetRef: the alphabetically smaller name has the higher priority, so it comes last.
  assert.deepEqual(
    timeouts?.matched.map((m) => [m.name, m.inbounds]),
    [
      ['to-backend', [{ port: 8080, service: 'web' }]],
      ['mesh-wide', [{ port: 8080, service: 'web' }]],
    ],
  );
});

test('from-rules: per inbound, one rule per client group with the policies merged', () => {
  const [timeouts] = proxyRulesOf(proxyWith([meshWide, toBackend]));
  assert.deepEqual(timeouts?.from, [
    {
      inbound: { port: 8080, service: 'web' },
      rules: [{ source: { kind: 'Mesh' }, conf: { idleTimeout: '30m' }, policies: ['mesh-wide'] }],
    },
  ]);
  assert.deepEqual(timeouts.rules, []);
  assert.equal(timeouts.default, undefined);
});

test('inbound rules[]: one per match, and the catch-all they merge to', () => {
  const rules = storedPolicy('MeshTimeout', 'inbound-rules', {
    targetRef: { kind: 'Mesh' },
    rules: [{ default: { idleTimeout: '10s' } }],
  });
  const [timeouts] = proxyRulesOf(proxyWith([rules]));
  assert.deepEqual(timeouts?.rules, [
    {
      inbound: { port: 8080, service: 'web' },
      rules: [{ conf: { idleTimeout: '10s' }, from: { name: 'inbound-rules', index: 0 } }],
      catchAll: { idleTimeout: '10s' },
    },
  ]);
});

test('top-level defaults are merged (append lists concatenated) and kinds come in the order their plugins apply', () => {
  const kinds = proxyRulesOf(proxyWith([patch('b-patch', 'db'), patch('a-patch', 'backend'), meshWide]));
  assert.deepEqual(
    kinds.map((k) => k.kind),
    ['MeshTimeout', 'MeshProxyPatch'],
  );
  assert.deepEqual(kinds[1]?.default, {
    appendModifications: [
      { cluster: { match: { name: 'db' }, operation: 'Remove' } },
      { cluster: { match: { name: 'backend' }, operation: 'Remove' } },
    ],
  });
});

test('a proxy no policy selects has no rules', () => {
  assert.deepEqual(proxyRulesOf(proxyWith([elsewhere])), []);
});

test('a policy targeting a MeshHTTPRoute shows per route what its traffic gets, over the destination conf', () => {
  const route = storedPolicy('MeshHTTPRoute', 'slow-path', {
    to: [
      {
        targetRef: { kind: 'MeshService', name: 'backend' },
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/slow' } }], default: {} }],
      },
    ],
  });
  const slow = storedPolicy('MeshTimeout', 'slow-requests', {
    targetRef: { kind: 'MeshHTTPRoute', name: 'slow-path' },
    to: [{ targetRef: { kind: 'Mesh' }, default: { http: { requestTimeout: '1m' } } }],
  });
  const timeouts = proxyRulesOf(proxyWith([route, meshWide, slow])).find((rules) => rules.kind === 'MeshTimeout')!;
  assert.deepEqual(timeouts.routeRules, [
    {
      route: 'slow-path',
      destination: { kind: 'MeshService', name: 'backend' },
      conf: { connectionTimeout: '5s', idleTimeout: '1h', http: { requestTimeout: '1m' } },
      from: [
        { name: 'mesh-wide', index: 0 },
        { name: 'slow-requests', index: 0 },
      ],
    },
  ]);
  assert.deepEqual(
    timeouts.to.map((t) => t.conf),
    [
      { connectionTimeout: '5s', idleTimeout: '1h' },
      { connectionTimeout: '5s', idleTimeout: '1h' },
    ],
    'destinations as a whole keep their own conf',
  );
  assert.deepEqual(
    timeouts.matched.map((m) => m.name),
    ['mesh-wide', 'slow-requests'],
  );
});
