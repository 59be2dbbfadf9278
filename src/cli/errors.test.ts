import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, CliError, errorLines } from './errors.js';

test('a server error reads as title: detail, then each invalid parameter', () => {
  const error = new ApiError(400, 'Bad Request', {
    type: '/std-errors',
    status: 400,
    title: 'Invalid input',
    detail: 'Resource is not valid',
    invalid_parameters: [{ field: 'spec.to[0].default.idleTimeout', reason: 'must be a duration like 15s' }],
  });
  assert.deepEqual(errorLines(error), [
    'Error: Invalid input: Resource is not valid',
    '  spec.to[0].default.idleTimeout: must be a duration like 15s',
  ]);
});

test('a server error without a JSON body falls back to the HTTP status', () => {
  assert.deepEqual(errorLines(new ApiError(502, 'Bad Gateway', undefined)), ['Error: HTTP 502 Bad Gateway']);
});

test('CLI errors carry their detail lines and exit code', () => {
  const error = new CliError('nope', ['a', 'b'], 3);
  assert.deepEqual(errorLines(error), ['Error: nope', 'a', 'b']);
  assert.equal(error.exitCode, 3);
  assert.deepEqual(errorLines(new Error('plain')), ['Error: plain']);
});
