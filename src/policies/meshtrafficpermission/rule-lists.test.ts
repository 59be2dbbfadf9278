import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inboundRules } from '../core/from-rules.js';
import { matchedOn } from '../core/testkit/policies.js';
import { concatRuleLists } from './rule-lists.js';
import { mtp } from './testing.js';

const exact = (value: string) => ({ spiffeID: { type: 'Exact' as const, value } });

test('the lists of every policy are concatenated, lowest priority first, not replaced by the most specific', () => {
  const operator = mtp('operator', {
    rules: [{ default: { deny: [exact('spiffe://d/bad')], allow: [exact('spiffe://d/ops')] } }],
  });
  const owner = mtp('owner', {
    targetRef: { kind: 'Dataplane', name: 'backend-1' },
    rules: [
      { default: { allow: [exact('spiffe://d/web')] } },
      { default: { allowWithShadowDeny: [exact('spiffe://d/old')] } },
    ],
  });
  const lists = concatRuleLists(inboundRules(matchedOn([0], owner, operator), 0));
  assert.deepEqual(lists, {
    deny: [exact('spiffe://d/bad')],
    allow: [exact('spiffe://d/ops'), exact('spiffe://d/web')],
    allowWithShadowDeny: [exact('spiffe://d/old')],
  });
});

test('a match listed by two policies is kept once, where it first appears lowest priority first', () => {
  // Equal in every other respect, the alphabetically greater name has the lower priority: b, then a.
  const a = mtp('a', { rules: [{ default: { allow: [exact('spiffe://d/x'), exact('spiffe://d/y')] } }] });
  const b = mtp('b', { rules: [{ default: { allow: [exact('spiffe://d/y'), exact('spiffe://d/x')] } }] });
  assert.deepEqual(concatRuleLists(inboundRules(matchedOn([0], a, b), 0)).allow, [
    exact('spiffe://d/y'),
    exact('spiffe://d/x'),
  ]);
});

test('no rules give empty lists', () => {
  assert.deepEqual(concatRuleLists([]), { deny: [], allow: [], allowWithShadowDeny: [] });
});
