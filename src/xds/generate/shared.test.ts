import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import { ClusterSchema } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { HeaderMatcherSchema } from '../envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { defineEdit, onePerObject } from './shared.js';

test('onePerObject builds once per key object, an undefined result included', () => {
  let builds = 0;
  const lookup = onePerObject((key: { readonly wanted: boolean }) => {
    builds++;
    return key.wanted ? { built: builds } : undefined;
  });
  const wanted = { wanted: true };
  const unwanted = { wanted: false };
  assert.equal(lookup(wanted), lookup(wanted));
  assert.equal(lookup(unwanted), undefined);
  assert.equal(lookup(unwanted), undefined);
  assert.equal(builds, 2, 'one build per object, whatever it returned');
  assert.notEqual(lookup({ wanted: true }), lookup(wanted), 'another object is another build');
});

const cluster = () => create(ClusterSchema, { name: 'backend' });
let timeoutEdits = 0;
const withTimeouts = defineEdit(
  'test: timeouts',
  ClusterSchema,
  (copy, { connectMs, idleMs }: { connectMs: number; idleMs?: number }) => {
    timeoutEdits++;
    copy.altStatName = idleMs === undefined ? `connect ${connectMs}` : `connect ${connectMs} idle ${idleMs}`;
  },
);

test('defineEdit: equal parameters on one message share one copy, made once', () => {
  const shared = cluster();
  const before = timeoutEdits;
  const a = withTimeouts(shared, { connectMs: 1500 });
  const b = withTimeouts(shared, { connectMs: 1500 });
  assert.equal(a, b);
  assert.equal(timeoutEdits - before, 1);
  assert.notEqual(a, shared, 'a copy, never the shared message itself');
  assert.equal(shared.altStatName, '', 'the shared message is left as it was');
  assert.equal(a.altStatName, 'connect 1500');
});

test('defineEdit: different parameters, or another message, give different copies', () => {
  const shared = cluster();
  const a = withTimeouts(shared, { connectMs: 1500 });
  const b = withTimeouts(shared, { connectMs: 2500 });
  const c = withTimeouts(shared, { connectMs: 1500, idleMs: 10 });
  assert.notEqual(a, b);
  assert.notEqual(a, c);
  assert.equal(b.altStatName, 'connect 2500');
  assert.equal(c.altStatName, 'connect 1500 idle 10');
  assert.notEqual(withTimeouts(cluster(), { connectMs: 1500 }), a, 'another message object, another copy');
});

test('defineEdit: the order of keys in the parameters does not matter, an undefined property counts as absent', () => {
  const shared = cluster();
  assert.equal(withTimeouts(shared, { connectMs: 1, idleMs: 2 }), withTimeouts(shared, { idleMs: 2, connectMs: 1 }));
  const nested = defineEdit(
    'test: nested',
    ClusterSchema,
    (copy, p: { conf: { a?: number; b?: { c: number; d: string } } }) => (copy.altStatName = JSON.stringify(p)),
  );
  assert.equal(
    nested(shared, { conf: { a: 1, b: { c: 2, d: 'x' } } }),
    nested(shared, { conf: { b: { d: 'x', c: 2 }, a: 1 } }),
  );
  assert.equal(nested(shared, { conf: { a: 1 } }), nested(shared, { conf: { a: 1, b: undefined } as { a: number } }));
  assert.notEqual(nested(shared, { conf: { a: 1 } }), nested(shared, { conf: { b: { c: 1, d: '' } } }));
});

test('defineEdit: key order does not matter in objects of many keys either', () => {
  const shared = cluster();
  const wide = defineEdit(
    'test: wide',
    ClusterSchema,
    (copy, p: Record<string, number>) => (copy.altStatName = Object.keys(p).join()),
  );
  const keys = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`);
  const forward = Object.fromEntries(keys.map((k, i) => [k, i]));
  const backward = Object.fromEntries([...keys].reverse().map((k) => [k, forward[k]!]));
  assert.equal(wide(shared, forward), wide(shared, backward));
  assert.notEqual(wide(shared, forward), wide(shared, { ...forward, k19: -1 }));
});

test('defineEdit: two edits with equal parameters never share a copy', () => {
  const shared = cluster();
  const renamed = defineEdit('test: rename', ClusterSchema, (copy, { name }: { name: string }) => (copy.name = name));
  const described = defineEdit(
    'test: describe',
    ClusterSchema,
    (copy, { name }: { name: string }) => (copy.altStatName = name),
  );
  assert.notEqual(renamed(shared, { name: 'x' }), described(shared, { name: 'x' }));
});

test('defineEdit: a value that differs per proxy must travel through the parameters', () => {
  const shared = cluster();
  // Declared per proxy around the proxy's own value, an edit would share the first proxy's copy with the second: refused.
  const tagsEditFor = (proxyTags: string) =>
    defineEdit('test: per-proxy capture', ClusterSchema, (copy) => (copy.altStatName = proxyTags));
  tagsEditFor('web');
  assert.throws(() => tagsEditFor('api'), /declared twice/);
  // As a parameter, each proxy's value is part of the key: each gets its own copy, proxies with equal values share one.
  const withTags = defineEdit(
    'test: per-proxy parameter',
    ClusterSchema,
    (copy, { proxyTags }: { proxyTags: string }) => (copy.altStatName = proxyTags),
  );
  const web = withTags(shared, { proxyTags: 'web' });
  const api = withTags(shared, { proxyTags: 'api' });
  assert.equal(web.altStatName, 'web');
  assert.equal(api.altStatName, 'api');
  assert.equal(withTags(shared, { proxyTags: 'web' }), web);
});

test('defineEdit: messages in parameters are compared by content; functions and Maps are refused', () => {
  const shared = cluster();
  const withHeader = defineEdit(
    'test: header',
    ClusterSchema,
    (copy, { header }: { header: unknown }) => (copy.altStatName = JSON.stringify(header)),
  );
  const a = withHeader(shared, { header: create(HeaderMatcherSchema, { name: 'x-kuma-tags', invertMatch: true }) });
  assert.equal(
    withHeader(shared, { header: create(HeaderMatcherSchema, { invertMatch: true, name: 'x-kuma-tags' }) }),
    a,
  );
  assert.notEqual(withHeader(shared, { header: create(HeaderMatcherSchema, { name: 'x-kuma-tags' }) }), a);
  assert.notEqual(
    withHeader(shared, { header: { name: 'x-kuma-tags', invertMatch: true } }),
    a,
    'the message type is part of its content',
  );
  assert.throws(() => withHeader(shared, { header: () => 'web' }), /\.header is a function/);
  assert.throws(() => withHeader(shared, { header: new Map([['a', 1]]) }), /\.header is a Map/);
});

test('defineEdit: an edit given its parameters once makes the same copies as one given them per call', () => {
  const shared = cluster();
  const other = cluster();
  const withOneSecond = withTimeouts.for({ connectMs: 1000 });
  assert.equal(withOneSecond(shared), withTimeouts(shared, { connectMs: 1000 }));
  assert.equal(withOneSecond(other), withTimeouts(other, { connectMs: 1000 }));
  assert.notEqual(withOneSecond(shared), withOneSecond(other));
});
