import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPatchDiff } from './config-diff.js';

test('equal documents have an empty diff', () => {
  assert.deepEqual(jsonPatchDiff({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] }), []);
});

test('a replaced value is test, remove, add at its pointer, with / and ~ escaped', () => {
  const before = { 'type.googleapis.com/x.Listener': { 'in~1': { filters: [{ idleTimeout: '3600s' }] } } };
  const after = { 'type.googleapis.com/x.Listener': { 'in~1': { filters: [{ idleTimeout: '322s' }] } } };
  const path = '/type.googleapis.com~1x.Listener/in~01/filters/0/idleTimeout';
  assert.deepEqual(jsonPatchDiff(before, after), [
    { op: 'test', path, value: '3600s' },
    { op: 'remove', path, value: '3600s' },
    { op: 'add', path, value: '322s' },
  ]);
});

test('an added key is add; a removed key is test then remove; keys in sorted order', () => {
  assert.deepEqual(jsonPatchDiff({ b: 1, a: { x: true } }, { c: null, a: {} }), [
    { op: 'test', path: '/a/x', value: true },
    { op: 'remove', path: '/a/x', value: true },
    { op: 'test', path: '/b', value: 1 },
    { op: 'remove', path: '/b', value: 1 },
    { op: 'add', path: '/c', value: null },
  ]);
});

test('an array that changed length is replaced whole', () => {
  assert.deepEqual(jsonPatchDiff({ l: [1] }, { l: [1, 2] }), [
    { op: 'test', path: '/l', value: [1] },
    { op: 'remove', path: '/l', value: [1] },
    { op: 'add', path: '/l', value: [1, 2] },
  ]);
});
