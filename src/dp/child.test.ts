import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeExit, exitStatusOf } from './child.js';

test('the exit status is the exit code, or 128 + the signal number', () => {
  assert.equal(exitStatusOf({ code: 0, signal: null }), 0);
  assert.equal(exitStatusOf({ code: 3, signal: null }), 3);
  assert.equal(exitStatusOf({ code: null, signal: 'SIGTERM' }), 143);
  assert.equal(exitStatusOf({ code: null, signal: 'SIGKILL' }), 137);
  assert.equal(exitStatusOf({ code: null, signal: 'SIGINT' }), 130);
});

test('an exit reads as a sentence in the log', () => {
  assert.equal(describeExit({ code: 0, signal: null }), 'exited cleanly');
  assert.equal(describeExit({ code: 3, signal: null }), 'exited with code 3');
  assert.equal(describeExit({ code: null, signal: 'SIGSEGV' }), 'was killed by SIGSEGV');
});
