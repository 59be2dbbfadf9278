import { test } from 'node:test';
import assert from 'node:assert/strict';
import { productVersion } from '../api/index.js';
import { agentCompatible, MAX_FEATURES, nodeFeaturesOf, nodeVersionOf } from './node-version.js';

test("a node's version keeps the known fields and the control plane judges compatibility itself", () => {
  assert.deepEqual(
    nodeVersionOf({
      version: {
        kumaDp: { version: productVersion, gitCommit: 'abc', kumaCpCompatible: false, other: 'dropped' },
        envoy: { version: '1.38.3', build: 'abc/1.38.3/Clean', kumaDpCompatible: true, more: 1 },
        dependencies: { x: '1' },
      },
    }),
    {
      kumaDp: { version: productVersion, gitCommit: 'abc', kumaCpCompatible: true },
      envoy: { version: '1.38.3', build: 'abc/1.38.3/Clean', kumaDpCompatible: true },
    },
  );
  assert.deepEqual(nodeVersionOf({ version: { envoy: { version: '1.38.3' } } }), { envoy: { version: '1.38.3' } });
});

test('hostile version values are dropped, never kept or thrown over', () => {
  assert.equal(nodeVersionOf(undefined), undefined);
  assert.equal(nodeVersionOf({}), undefined);
  for (const junk of ['1.0.0', 42, null, ['1.0.0'], true]) assert.equal(nodeVersionOf({ version: junk }), undefined);
  assert.deepEqual(
    nodeVersionOf({
      version: {
        kumaDp: { version: 'v'.repeat(201), gitTag: 'a\nb', gitCommit: 7, buildDate: '' },
        envoy: { version: { nested: 'x' }, build: 'b\u2028', kumaDpCompatible: 'true' },
      },
    }),
    { kumaDp: { kumaCpCompatible: false }, envoy: {} },
  );
});

test('an agent is compatible within two minor versions of the control plane, in the same major', () => {
  assert.equal(agentCompatible('2.14.1', '2.14.3'), true);
  assert.equal(agentCompatible('2.12.0', '2.14.3'), true);
  assert.equal(agentCompatible('2.16.0-rc1', '2.14.3'), true);
  assert.equal(agentCompatible('2.11.9', '2.14.3'), false);
  assert.equal(agentCompatible('3.14.3', '2.14.3'), false);
  assert.equal(agentCompatible('dev', '2.14.3'), false);
  assert.equal(agentCompatible(undefined, '2.14.3'), false);
  assert.equal(agentCompatible(productVersion), true);
});

test('features are feature names, each once, at most MAX_FEATURES, whatever the node sends', () => {
  assert.equal(nodeFeaturesOf({}), undefined);
  assert.equal(nodeFeaturesOf({ features: 'feature-a' }), undefined);
  assert.deepEqual(nodeFeaturesOf({ features: [] }), []);
  assert.deepEqual(
    nodeFeaturesOf({
      features: ['feature-a', 'feature-a', 'has space', 7, null, 'x'.repeat(101), 'feature-b', { a: 1 }],
    }),
    ['feature-a', 'feature-b'],
  );
  const many = Array.from({ length: 10_000 }, (_, i) => `feature-${i}`);
  assert.equal(nodeFeaturesOf({ features: many })!.length, MAX_FEATURES);
  const junkFirst = [...Array.from({ length: 10_000 }, () => 'no good'), 'feature-late'];
  assert.deepEqual(nodeFeaturesOf({ features: junkFirst }), [], 'only a bounded prefix is looked at');
});
