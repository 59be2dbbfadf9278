import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onePerObject } from './shared.js';

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
