import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeshRetryKind } from '../meshretry/schema.js';
import { MeshTimeoutKind } from '../meshtimeout/schema.js';
import type { PolicyPlugin } from './plugin.js';
import { policyModule } from './policy-module.js';

const timeoutPlugin: PolicyPlugin<'MeshTimeout'> = { kind: 'MeshTimeout', apply: (resources) => resources };

test('a policy kind keeps its literal name, and its module pairs it with its own plugin', () => {
  const name: 'MeshTimeout' = MeshTimeoutKind.name;
  const module = policyModule(MeshTimeoutKind, timeoutPlugin);
  assert.equal(module.kind.name, name);
  assert.equal(module.plugin, timeoutPlugin);
  assert.deepEqual(Object.keys(policyModule(MeshRetryKind)), ['kind'], 'a kind without a plugin has no plugin key');
});

test('a plugin for another kind does not compile', () => {
  // @ts-expect-error a MeshTimeout plugin cannot be MeshRetry's
  const wrong = policyModule(MeshRetryKind, timeoutPlugin);
  // @ts-expect-error a plugin typed by no kind in particular cannot be paired either
  const untyped = policyModule(MeshRetryKind, timeoutPlugin as PolicyPlugin);
  assert.ok(wrong && untyped);
});
