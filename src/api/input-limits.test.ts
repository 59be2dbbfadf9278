import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, INPUT_LIMITS, shapeIssue, shapeParameter } from './input-limits.js';

/** `levels` objects nested in one another around `leaf`, built without recursion. */
function nested(levels: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

test('a value nested as deep as the limit passes; one level more is refused at the container past it', () => {
  assert.equal(shapeIssue(nested(INPUT_LIMITS.maxDepth)), undefined);
  const issue = shapeIssue(nested(INPUT_LIMITS.maxDepth + 1));
  assert.deepEqual(issue, {
    path: Array(INPUT_LIMITS.maxDepth).fill('a').join('.'),
    reason: 'nested deeper than 64 levels',
  });
});

test('lists count as levels too, and the path names their indices', () => {
  // The object holding `list` is level 1, so its 64th list is level 65.
  let value: unknown = 0;
  for (let i = 1; i < INPUT_LIMITS.maxDepth; i++) value = [value];
  assert.equal(shapeIssue({ list: value }), undefined);
  assert.deepEqual(shapeIssue({ list: [value] })?.path, `list${'[0]'.repeat(INPUT_LIMITS.maxDepth - 1)}`);
});

test('a million levels are checked without overflowing the stack', () => {
  let value: unknown = 0;
  for (let i = 0; i < 1_000_000; i++) value = [value];
  assert.equal(shapeIssue(value)?.reason, 'nested deeper than 64 levels');
});

test('NUL and lone surrogates are refused in values and keys, in document order', () => {
  assert.deepEqual(shapeIssue({ spec: { to: [{ name: 'ok' }, { name: 'a\u0000b' }] } }), {
    path: 'spec.to[1].name',
    reason: 'must not contain the NUL character',
  });
  assert.deepEqual(shapeIssue({ first: '\ud800', second: 'a\u0000' }), {
    path: 'first',
    reason: 'must be valid Unicode text (it holds a lone UTF-16 surrogate)',
  });
  assert.deepEqual(shapeIssue({ labels: { 'a\u0000': 'x' } }), {
    path: 'labels',
    reason: 'has a key that contains the NUL character',
  });
  assert.equal(shapeIssue({ emoji: '\ud83d\ude00', tab: 'a\tb', newline: 'a\nb' }), undefined);
});

test('keys that are not identifiers are quoted in the path, and very long ones shortened', () => {
  assert.equal(shapeIssue({ 'kuma.io/service': ['\u0000'] })?.path, '["kuma.io/service"][0]');
  const long = 'k'.repeat(1000);
  assert.equal(shapeIssue({ [long]: '\u0000' })?.path, `[${JSON.stringify(`${'k'.repeat(64)}...`)}]`);
});

test('shapeParameter places the issue under a field, and names the root "document"', () => {
  assert.deepEqual(shapeParameter({ x: '\u0000' }, 'dataplaneResource'), {
    field: 'dataplaneResource.x',
    reason: 'must not contain the NUL character',
  });
  assert.deepEqual(shapeParameter(['\u0000'], 'value'), {
    field: 'value[0]',
    reason: 'must not contain the NUL character',
  });
  assert.deepEqual(shapeParameter('\u0000', ''), { field: 'document', reason: 'must not contain the NUL character' });
  assert.equal(shapeParameter({ fine: true }, ''), undefined);
});

test('byte limits are stated the way the docs state them', () => {
  assert.equal(formatBytes(64 * 1024), '64 KiB');
  assert.equal(formatBytes(1024 * 1024), '1 MiB');
  assert.equal(formatBytes(1500), '1500 bytes');
});
