import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kumaToConfs, type ToEntryShape } from './kuma-route-confs.js';

const rule = (value: string, backend = 'backend') => ({
  matches: [{ headers: [{ type: 'Exact', name: 'foo', value }] }],
  default: { backendRefs: [{ kind: 'MeshService', name: backend }] },
});
const shape = (confs: unknown[]) =>
  (confs as { rules: { matches: { headers: { value: string }[] }[]; default: unknown }[]; hostnames?: string[] }[]).map(
    (conf) => ({ hosts: conf.hostnames ?? [], values: conf.rules.map((r) => r.matches[0]!.headers[0]!.value) }),
  );

test("MeshHTTPRoute entries merge per host name, each group's rules with the higher-priority entry's first", () => {
  const entries: ToEntryShape[] = [
    { rules: [rule('bar')] },
    { hostnames: ['foo.com'], rules: [rule('bazz')] },
    { rules: [rule('baz')] },
  ];
  assert.deepEqual(shape(kumaToConfs('MeshHTTPRoute', entries)), [
    { hosts: [], values: ['baz', 'bar'] },
    { hosts: ['foo.com'], values: ['bazz'] },
  ]);
});

test('MeshHTTPRoute rules with the same matches merge where the higher-priority one stands, its default last', () => {
  const entries: ToEntryShape[] = [{ rules: [rule('a', 'old'), rule('b')] }, { rules: [rule('a', 'new')] }];
  const [conf] = kumaToConfs('MeshHTTPRoute', entries) as { rules: { default: unknown }[] }[];
  assert.deepEqual(shape([conf]), [{ hosts: [], values: ['a', 'b'] }]);
  assert.deepEqual(conf!.rules[0]!.default, { backendRefs: [{ kind: 'MeshService', name: 'new', weight: 1 }] });
});

test('other kinds merge their defaults into one conf', () => {
  const confs = kumaToConfs('MeshTimeout', [{ default: { idleTimeout: '1h' } }, { default: { idleTimeout: '20s' } }]);
  assert.equal(confs.length, 1);
  assert.equal((confs[0] as { idleTimeout: string }).idleTimeout, '20s');
});
