import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servicesOfClusters } from './destination-clusters.js';

test('own clusters and subset clusters belong to their service; local and unknown clusters to none', () => {
  const owners = servicesOfClusters(['backend', 'backend_version_v2', 'localhost:8081', 'other', 'backendx'], ['backend', 'db']);
  assert.deepEqual([...owners], [
    ['backend', 'backend'],
    ['backend_version_v2', 'backend'],
  ]);
});

test('the longest service name wins, so a_b is not read as a subset of a', () => {
  const owners = servicesOfClusters(['a_b', 'a_b_version_v2', 'a_version_v1'], ['a', 'a_b']);
  assert.deepEqual([...owners], [
    ['a_b', 'a_b'],
    ['a_b_version_v2', 'a_b'],
    ['a_version_v1', 'a'],
  ]);
});
