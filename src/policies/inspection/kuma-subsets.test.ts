import { test } from 'node:test';
import assert from 'node:assert/strict';
import { covers, subsetRules, type Subset, type Tag } from './kuma-subsets.js';

const is = (key: string, value: string): Tag => ({ key, value, not: false });
const isNot = (key: string, value: string): Tag => ({ key, value, not: true });
const show = (subset: Subset) => subset.map((t) => `${t.key}${t.not ? '!=' : '='}${t.value}`).join(',');

interface Item {
  readonly name: string;
  readonly subset: Subset;
}
const rulesOf = (items: Item[]) =>
  subsetRules(items, (item) => item.subset).map((rule) => [show(rule.subset), rule.items.map((i) => i.name)]);

test('covers: no tags cover everything; a tag covers what carries it; a negation covers every other value', () => {
  assert.ok(covers([], [is('a', '1')]));
  assert.ok(covers([is('a', '1')], [is('a', '1'), is('b', '2')]));
  assert.ok(!covers([is('a', '1')], [isNot('a', '1')]));
  assert.ok(covers([isNot('a', '1')], [is('a', '2')]));
  assert.ok(!covers([is('a', '1')], [is('b', '2')]));
});

test('one key: one rule per distinct subset, most tags first, each with the items covering it in order', () => {
  const rules = rulesOf([
    { name: 'mesh', subset: [] },
    { name: 'web', subset: [is('kuma.io/service', 'web')] },
    { name: 'web-again', subset: [is('kuma.io/service', 'web')] },
    { name: 'db', subset: [is('kuma.io/service', 'db')] },
  ]);
  assert.deepEqual(rules, [
    ['kuma.io/service=web', ['mesh', 'web', 'web-again']],
    ['kuma.io/service=db', ['mesh', 'db']],
    ['', ['mesh']],
  ]);
});

test('two keys: every combination of the tags that can hold together, taken or negated, most positive first', () => {
  const rules = rulesOf([
    { name: 'on-service', subset: [is('kuma.io/service', 'backend')] },
    { name: 'on-route', subset: [is('__rule-matches-hash__', 'h1')] },
  ]);
  assert.deepEqual(rules, [
    ['__rule-matches-hash__=h1,kuma.io/service=backend', ['on-service', 'on-route']],
    ['__rule-matches-hash__!=h1,kuma.io/service=backend', ['on-service']],
    ['__rule-matches-hash__=h1,kuma.io/service!=backend', ['on-route']],
  ]);
});

test('two keys: subsets that cannot hold together are combined apart', () => {
  const rules = rulesOf([
    { name: 'a', subset: [is('kuma.io/service', 'a')] },
    { name: 'b', subset: [is('kuma.io/service', 'b')] },
    { name: 'route', subset: [is('kuma.io/service', 'a'), is('__rule-matches-hash__', 'h')] },
  ]);
  assert.deepEqual(rules, [
    ['__rule-matches-hash__=h,kuma.io/service=a', ['a', 'route']],
    ['kuma.io/service=b', ['b']],
    ['__rule-matches-hash__!=h,kuma.io/service=a', ['a']],
  ]);
});
