import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeConfs, mergePatch } from './merge.js';

const cases: { name: string; confs: unknown[]; merged: unknown }[] = [
  { name: 'nothing to merge', confs: [], merged: undefined },
  { name: 'entries without default contribute nothing', confs: [undefined, { a: 1 }, undefined], merged: { a: 1 } },
  { name: 'a later scalar wins', confs: [{ a: 1, b: 'x' }, { a: 2 }], merged: { a: 2, b: 'x' } },
  {
    name: 'objects merge deeply',
    confs: [
      { http: { requestTimeout: '15s', streamIdleTimeout: '30m' }, idleTimeout: '1h' },
      { http: { requestTimeout: '5s' } },
    ],
    merged: { http: { requestTimeout: '5s', streamIdleTimeout: '30m' }, idleTimeout: '1h' },
  },
  {
    name: 'lists are replaced, not merged',
    confs: [{ retryOn: ['5xx', 'reset'] }, { retryOn: ['503'] }],
    merged: { retryOn: ['503'] },
  },
  {
    name: 'an empty list replaces too',
    confs: [{ backends: [{ file: { path: '/a' } }] }, { backends: [] }],
    merged: { backends: [] },
  },
  {
    name: 'append* lists are concatenated',
    confs: [
      { appendModifications: [{ cluster: 1 }] },
      { appendModifications: [{ listener: 2 }] },
      { appendModifications: [{ route: 3 }] },
    ],
    merged: { appendModifications: [{ cluster: 1 }, { listener: 2 }, { route: 3 }] },
  },
  {
    name: 'nested append* lists are concatenated',
    confs: [
      { sidecar: { profiles: { appendProfiles: [{ name: 'Basic' }] } } },
      { sidecar: { profiles: { appendProfiles: [{ name: 'All' }] } } },
    ],
    merged: { sidecar: { profiles: { appendProfiles: [{ name: 'Basic' }, { name: 'All' }] } } },
  },
  {
    name: 'append* starts a list when there is none',
    confs: [{ a: 1 }, { appendMatch: [1] }],
    merged: { a: 1, appendMatch: [1] },
  },
  { name: 'null removes a key (RFC 7396)', confs: [{ a: 1, b: 2 }, { b: null }], merged: { a: 1 } },
  {
    name: 'null removes a nested key',
    confs: [{ sub: { other: 50, keep: 1 } }, { sub: { other: null } }],
    merged: { sub: { keep: 1 } },
  },
  { name: 'null removes an append* list', confs: [{ appendMatch: [1] }, { appendMatch: null }], merged: {} },
  {
    name: 'null for a missing key is a no-op, and nulls never survive',
    confs: [{ a: { b: null } }],
    merged: { a: {} },
  },
  { name: 'an object replaces a scalar', confs: [{ a: 1 }, { a: { b: 2 } }], merged: { a: { b: 2 } } },
  { name: 'a scalar replaces an object', confs: [{ a: { b: 2 } }, { a: 'x' }], merged: { a: 'x' } },
  {
    // The example of Kuma's docs ("How policies are combined").
    name: 'the documented example',
    confs: [
      { conf: 1, sub: { array: [1, 2, 3], other: 50, 'other-array': [3, 4, 5] } },
      { sub: { array: [], other: null, 'other-array': [5, 6], extra: 2 } },
    ],
    merged: { conf: 1, sub: { array: [], 'other-array': [5, 6], extra: 2 } },
  },
];

for (const c of cases) {
  test(`merge: ${c.name}`, () => {
    assert.deepEqual(mergeConfs(c.confs), c.merged);
  });
}

test('merge: inputs are not mutated and the result shares no object with them', () => {
  const low = { http: { requestTimeout: '15s' }, keep: { deep: [1] }, appendMatch: [{ v: 1 }] };
  const high = { http: { streamIdleTimeout: '1m' }, list: [{ x: 1 }], appendMatch: [{ v: 2 }] };
  const snapshot = structuredClone([low, high]);
  const merged = mergeConfs([low, high]) as Record<string, any>;
  assert.deepEqual([low, high], snapshot);
  assert.notEqual(merged['keep'], low.keep);
  assert.notEqual(merged['keep'].deep, low.keep.deep);
  assert.notEqual(merged['list'][0], high.list[0]);
  assert.notEqual(merged['appendMatch'][0], low.appendMatch[0]);
  merged['keep'].deep.push(2);
  merged['list'][0].x = 9;
  assert.deepEqual([low, high], snapshot);
});

test('merge: a single conf comes back as an equal copy', () => {
  const only = { a: { b: [1, { c: 2 }] } };
  const merged = mergeConfs([only]);
  assert.deepEqual(merged, only);
  assert.notEqual(merged, only);
});

test('merge: a __proto__ key is an ordinary key', () => {
  const patch = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
  const merged = mergePatch({}, patch) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(merged), Object.prototype);
  assert.deepEqual(Object.keys(merged), ['__proto__']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});
