import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect, hasFilters, listQuery, splitPair } from './filters.js';

test('filters map to the REST query parameters', () => {
  const query = listQuery({
    labels: ['team=a', 'env=prod'],
    tags: ['kuma.io/service:web', 'version:v1'],
    nameContains: 'web',
  });
  assert.deepEqual(
    [...query.entries()],
    [
      ['filter[labels.team]', 'a'],
      ['filter[labels.env]', 'prod'],
      ['name', 'web'],
      ['tag', 'kuma.io/service:web'],
      ['tag', 'version:v1'],
    ],
  );
});

test('a pair splits at its first separator, so values may contain it', () => {
  assert.deepEqual(splitPair('url=a=b', '=', '--label'), ['url', 'a=b']);
  assert.deepEqual(splitPair('k:v:w', ':', '--tag'), ['k', 'v:w']);
});

test('a pair without key or value is rejected, naming the option', () => {
  assert.throws(() => splitPair('team', '=', '--label'), /--label "team": expected key=value/);
  assert.throws(() => splitPair('=a', '=', '--label'), /expected key=value/);
  assert.throws(() => splitPair('k:', ':', '--tag'), /--tag "k:": expected key:value/);
});

test('no filters means an empty query', () => {
  assert.equal(listQuery({ labels: [], tags: [] }).toString(), '');
  assert.equal(hasFilters({ labels: [], tags: [] }), false);
  assert.equal(hasFilters({ labels: [], tags: [], nameContains: '' }), true);
});

test('repeatable options collect their values', () => {
  assert.deepEqual(collect('b', collect('a', undefined)), ['a', 'b']);
});
