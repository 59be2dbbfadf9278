import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration, parsePort } from './flag-values.js';

test('durations parse as Go writes them (units up to days, composites), and anything else is refused', () => {
  assert.deepEqual(
    ['250ms', '30s', '1.5s', '5m', '1h', '1m30s', '1d'].map(parseDuration),
    [250, 30_000, 1500, 300_000, 3_600_000, 90_000, 86_400_000],
  );
  for (const bad of ['30', '-1s', 's', '', '5 m', '1y', '0'])
    assert.throws(() => parseDuration(bad), /must be a duration like 500ms, 30s or 5m/, bad);
});

test('durations print in the shortest readable form', () => {
  assert.deepEqual([250, 1000, 1500, 60_000, 90_000, 300_000].map(formatDuration), [
    '250ms',
    '1s',
    '1.5s',
    '1m',
    '1m30s',
    '5m',
  ]);
});

test('ports are integers from 1 to 65535', () => {
  assert.equal(parsePort('9901'), 9901);
  for (const bad of ['0', '65536', '1.5', 'x', '-1', ''])
    assert.throws(() => parsePort(bad), /must be a port between 1 and 65535/, bad);
});
