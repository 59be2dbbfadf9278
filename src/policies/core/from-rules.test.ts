import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRules, inboundRules, resolveCatchAll, ruleForClient, type FromRule } from './from-rules.js';
import { policy } from './matching-fixtures.js';
import { matchedOn } from './testkit/policies.js';
import type { TargetRef } from './targetref.js';

const from = (targetRef: TargetRef, action: string) => ({ targetRef, default: { action } });
const summary = (rules: readonly FromRule[]) => rules.map((r) => [r.source, r.conf, r.policies.map((p) => p.name)]);
const client = (service: string, tags: Record<string, string> = {}) => ({ 'kuma.io/service': service, ...tags });
const actionFor = (rules: readonly FromRule[], tags: Record<string, string>) =>
  (ruleForClient(rules, tags)?.conf as { action: string } | undefined)?.action;

test('from: Mesh Allow with MeshService other Deny gives other Deny and everyone else Allow', () => {
  const mtp = policy('mtp', {
    from: [from({ kind: 'Mesh' }, 'Allow'), from({ kind: 'MeshService', name: 'other' }, 'Deny')],
  });
  const rules = fromRules(matchedOn([0], mtp), 0);
  assert.deepEqual(summary(rules), [
    [{ kind: 'MeshService', name: 'other' }, { action: 'Deny' }, ['mtp']],
    [{ kind: 'Mesh' }, { action: 'Allow' }, ['mtp']],
  ]);
  assert.equal(actionFor(rules, client('other')), 'Deny');
  assert.equal(actionFor(rules, client('frontend')), 'Allow');
});

test('from: a more specific source inherits what the less specific entries set', () => {
  const p = policy('p', {
    from: [
      { targetRef: { kind: 'Mesh' }, default: { idleTimeout: '1h', http: { requestTimeout: '15s' } } },
      { targetRef: { kind: 'MeshService', name: 'frontend' }, default: { http: { requestTimeout: '1s' } } },
    ],
  });
  const [frontend, mesh] = fromRules(matchedOn([0], p), 0);
  assert.deepEqual(frontend?.conf, { idleTimeout: '1h', http: { requestTimeout: '1s' } });
  assert.deepEqual(mesh?.conf, { idleTimeout: '1h', http: { requestTimeout: '15s' } });
});

test('from: entries merge in policy priority order, so a more specific policy overrides a narrower source of a less specific one', () => {
  const meshWide = policy('mesh-wide', {
    targetRef: { kind: 'Mesh' },
    from: [from({ kind: 'MeshService', name: 'frontend' }, 'Allow')],
  });
  const forWeb = policy('for-web', {
    targetRef: { kind: 'MeshService', name: 'web' },
    from: [from({ kind: 'Mesh' }, 'Deny')],
  });
  const rules = fromRules(matchedOn([0], forWeb, meshWide), 0);
  assert.equal(actionFor(rules, client('frontend')), 'Deny');
  assert.deepEqual(
    rules[0]?.policies.map((p) => p.name),
    ['mesh-wide', 'for-web'],
  );
});

test('from: overlapping groups get a rule of their own, so the first match is always right', () => {
  const p = policy('p', {
    from: [
      from({ kind: 'Mesh' }, 'Deny'),
      from({ kind: 'MeshSubset', tags: { team: 'a' } }, 'Allow'),
      from({ kind: 'MeshService', name: 'legacy' }, 'AllowWithShadowDeny'),
      from({ kind: 'MeshServiceSubset', name: 'legacy', tags: { version: 'v1' } }, 'Deny'),
    ],
  });
  const rules = fromRules(matchedOn([0], p), 0);
  assert.deepEqual(
    rules.map((r) => r.source),
    [
      { kind: 'MeshServiceSubset', name: 'legacy', tags: { team: 'a', version: 'v1' } },
      { kind: 'MeshServiceSubset', name: 'legacy', tags: { team: 'a' } },
      { kind: 'MeshServiceSubset', name: 'legacy', tags: { version: 'v1' } },
      { kind: 'MeshService', name: 'legacy' },
      { kind: 'MeshSubset', tags: { team: 'a' } },
      { kind: 'Mesh' },
    ],
  );
  assert.equal(actionFor(rules, client('legacy', { team: 'a', version: 'v1' })), 'Deny');
  assert.equal(actionFor(rules, client('legacy', { team: 'a', version: 'v2' })), 'AllowWithShadowDeny');
  assert.equal(actionFor(rules, client('legacy', { version: 'v1' })), 'Deny');
  assert.equal(actionFor(rules, client('web', { team: 'a' })), 'Allow');
  assert.equal(actionFor(rules, client('web')), 'Deny');
});

test('from: only policies that selected this inbound take part', () => {
  const onFirst = policy('on-first', { from: [from({ kind: 'Mesh' }, 'Allow')] });
  const onSecond = policy('on-second', { from: [from({ kind: 'Mesh' }, 'Deny')] });
  const matched = [...matchedOn([0], onFirst), ...matchedOn([1], onSecond)];
  assert.deepEqual(fromRules(matched, 0)[0]?.conf, { action: 'Allow' });
  assert.deepEqual(fromRules(matched, 1)[0]?.conf, { action: 'Deny' });
  assert.deepEqual(fromRules(matched, 2), []);
});

test('from: a client no group contains gets no rule', () => {
  const p = policy('p', { from: [from({ kind: 'MeshService', name: 'frontend' }, 'Allow')] });
  assert.equal(ruleForClient(fromRules(matchedOn([0], p), 0), client('other')), undefined);
});

test('from: a MeshService source given by labels resolves through the MeshServices carrying them', () => {
  const p = policy('p', { from: [from({ kind: 'MeshService', labels: { team: 'pay' } }, 'Allow')] });
  assert.deepEqual(fromRules(matchedOn([0], p), 0), []);
  const rules = fromRules(matchedOn([0], p), 0, { meshServicesByLabels: () => ['billing', 'ledger'] });
  assert.deepEqual(
    rules.map((r) => r.source),
    [
      { kind: 'MeshService', name: 'billing' },
      { kind: 'MeshService', name: 'ledger' },
    ],
  );
});

test('rules: one rule per match, a rule without matches is a catch-all; lowest priority first', () => {
  const owner = policy('owner', {
    targetRef: { kind: 'Dataplane', name: 'web-1' },
    rules: [{ default: { allow: ['b'] } }],
  });
  const meshWide = policy('mesh-wide', {
    rules: [
      { default: { deny: ['x'] } },
      { matches: [{ spiffeID: 'one' }, { spiffeID: 'two' }], default: { allow: ['m'] } },
    ],
  });
  const rules = inboundRules(matchedOn([0], owner, meshWide), 0);
  assert.deepEqual(
    rules.map((r) => [r.policy.name, r.index, r.match]),
    [
      ['mesh-wide', 0, undefined],
      ['mesh-wide', 1, { spiffeID: 'one' }],
      ['mesh-wide', 1, { spiffeID: 'two' }],
      ['owner', 0, undefined],
    ],
  );
  assert.deepEqual(resolveCatchAll(rules), { deny: ['x'], allow: ['b'] });
});

test('rules: a policy with rules contributes them only; from entries are read as rules only when asked, and only for Mesh', () => {
  const withRules = policy('a-rules', {
    rules: [{ default: { idleTimeout: 'rules' } }],
    from: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: 'ignored' } }],
  });
  const withFrom = policy('b-from', {
    from: [
      { targetRef: { kind: 'Mesh' }, default: { idleTimeout: 'from', connectionTimeout: 'from' } },
      { targetRef: { kind: 'MeshService', name: 'x' }, default: { idleTimeout: 'not a rule' } },
    ],
  });
  const matched = matchedOn([0], withFrom, withRules);
  assert.deepEqual(
    inboundRules(matched, 0).map((r) => r.policy.name),
    ['a-rules'],
  );
  const both = inboundRules(matched, 0, { fromAsRules: true });
  assert.deepEqual(
    both.map((r) => r.policy.name),
    ['b-from', 'a-rules'],
  );
  assert.deepEqual(resolveCatchAll(both), { idleTimeout: 'rules', connectionTimeout: 'from' });
});
