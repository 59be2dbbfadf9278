import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffSchedule, initialRestartState, nextRestart, type RestartPolicy } from './backoff.js';

test('the delay doubles per failure and stops at the maximum', () => {
  assert.deepEqual(
    backoffSchedule({ initialMs: 1000, maxMs: 30_000 }, 7),
    [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000],
  );
  assert.deepEqual(backoffSchedule({ initialMs: 500, maxMs: 5000, factor: 3 }, 4), [500, 1500, 4500, 5000]);
});

const policy: RestartPolicy = { initialMs: 100, maxMs: 1000, stableAfterMs: 1000 };

/** The delays of a run of exits, each after running for the given time. */
function delays(runs: readonly number[]): number[] {
  let state = initialRestartState;
  return runs.map((ranForMs) => {
    const next = nextRestart(policy, state, ranForMs);
    state = next.state;
    return next.delayMs;
  });
}

test('quick exits in a row back off further each time', () => {
  assert.deepEqual(delays([10, 10, 10, 10, 10, 10]), [100, 200, 400, 800, 1000, 1000]);
});

test('a run as long as stableAfterMs resets the backoff; a shorter one does not', () => {
  assert.deepEqual(delays([10, 10, 10, 1000, 10, 999, 10]), [100, 200, 400, 100, 200, 400, 800]);
});
