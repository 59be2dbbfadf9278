import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dpLog } from './log.js';

const at = () => new Date('2025-01-10T12:00:00.000Z');

test('text lines carry the time and the agent name, for a person beside Envoy', () => {
  const written: string[] = [];
  dpLog('text', (text) => written.push(text), at)('bootstrap written');
  assert.deepEqual(written, ['2025-01-10T12:00:00.000Z koguma-dp: bootstrap written\n']);
});

test('json lines are one pino-shaped object each, for a collector', () => {
  const written: string[] = [];
  dpLog('json', (text) => written.push(text), at)('exiting with status 0');
  assert.equal(written.length, 1);
  assert.ok(written[0]!.endsWith('\n'));
  assert.deepEqual(JSON.parse(written[0]!), {
    level: 30,
    time: Date.parse('2025-01-10T12:00:00.000Z'),
    name: 'koguma-dp',
    msg: 'exiting with status 0',
  });
});
