import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAge } from './age.js';

const now = new Date('2025-01-10T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

test('ages use the largest whole unit', () => {
  assert.equal(formatAge(ago(5), now), '5s');
  assert.equal(formatAge(ago(59), now), '59s');
  assert.equal(formatAge(ago(60), now), '1m');
  assert.equal(formatAge(ago(3 * 60 + 59), now), '3m');
  assert.equal(formatAge(ago(2 * 3600 + 1), now), '2h');
  assert.equal(formatAge(ago(4 * 86400 + 7200), now), '4d');
  assert.equal(formatAge(ago(400 * 86400), now), '400d');
});

test('a creation time in the future (clock skew) shows as 0s', () => {
  assert.equal(formatAge(ago(-30), now), '0s');
});

test('a missing or unreadable creation time is shown as unknown', () => {
  assert.equal(formatAge(undefined, now), '<unknown>');
  assert.equal(formatAge('yesterday', now), '<unknown>');
});
