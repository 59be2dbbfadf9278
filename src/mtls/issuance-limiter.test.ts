import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KogumaError } from '../api/errors.js';
import { createIssuanceLimiter, type IssuanceLimiterOptions } from './issuance-limiter.js';

/** A clock that moves only when told, and sleeps that end only when the clock reaches them. */
function fakeTime() {
  let now = 0;
  const sleepers: { until: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((wake) => sleepers.push({ until: now + ms, wake })),
    sleepers,
    async advance(ms: number) {
      now += ms;
      for (const sleeper of sleepers.filter((s) => s.until <= now)) {
        sleepers.splice(sleepers.indexOf(sleeper), 1);
        sleeper.wake();
      }
      await settle();
    },
  };
}

/** Lets every already-resolved promise chain run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Work that records when it starts and finishes only when the test says. */
function gate() {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const work = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push(name);
      finishers.set(name, () => resolve(name));
    });
  return { started, work, finish: (name: string) => finishers.get(name)!() };
}

const limiterWith = (options: IssuanceLimiterOptions) => {
  const time = fakeTime();
  return { time, limiter: createIssuanceLimiter({ now: time.now, sleep: time.sleep, ...options }) };
};

test('no more than `concurrency` run at once, and waiting work starts in arrival order', async () => {
  const { limiter } = limiterWith({ concurrency: 2 });
  const { started, work, finish } = gate();
  const results = ['a', 'b', 'c', 'd', 'e'].map((name) => limiter.run(work(name)));
  await settle();
  assert.deepEqual(started, ['a', 'b']);
  assert.equal(limiter.running, 2);
  assert.equal(limiter.waiting, 3);

  finish('b');
  await settle();
  assert.deepEqual(started, ['a', 'b', 'c']);
  finish('a');
  finish('c');
  await settle();
  assert.deepEqual(started, ['a', 'b', 'c', 'd', 'e']);
  finish('d');
  finish('e');
  assert.deepEqual(await Promise.all(results), ['a', 'b', 'c', 'd', 'e']);
  assert.equal(limiter.running, 0);
});

test('after the burst, starts are paced by the refill rate', async () => {
  const { limiter, time } = limiterWith({ concurrency: 10, ratePerSecond: 2, burst: 3 });
  const started: number[] = [];
  const runs = [0, 1, 2, 3, 4].map((i) => limiter.run(async () => void started.push(i)));
  await settle();
  assert.deepEqual(started, [0, 1, 2], 'the burst starts at once');
  assert.deepEqual(
    time.sleepers.map((s) => s.until),
    [500],
    'one sleeper, until the next token',
  );

  await time.advance(499);
  assert.deepEqual(started, [0, 1, 2]);
  await time.advance(1);
  assert.deepEqual(started, [0, 1, 2, 3]);
  await time.advance(500);
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  await Promise.all(runs);
  assert.equal(time.sleepers.length, 0);
});

test('tokens refill while idle, up to the burst', async () => {
  const { limiter, time } = limiterWith({ concurrency: 10, ratePerSecond: 1, burst: 2 });
  await Promise.all([limiter.run(async () => 1), limiter.run(async () => 2)]);
  await time.advance(60_000);
  const started: number[] = [];
  void [1, 2, 3].map((i) => limiter.run(async () => void started.push(i)));
  await settle();
  assert.deepEqual(started, [1, 2], 'a minute of quiet refills two tokens, not sixty');
});

test('failing work frees its slot and rejects only its caller', async () => {
  const { limiter } = limiterWith({ concurrency: 1 });
  const failing = limiter.run(() => {
    throw new Error('sign failed');
  });
  const next = limiter.run(async () => 'ok');
  await assert.rejects(failing, /sign failed/);
  assert.equal(await next, 'ok');
});

test('close rejects waiting work and new work; running work finishes', async () => {
  const { limiter } = limiterWith({ concurrency: 1 });
  const { started, work, finish } = gate();
  const running = limiter.run(work('running'));
  const waiting = limiter.run(work('waiting'));
  await settle();
  limiter.close();
  const isStopped = (error: unknown) =>
    error instanceof KogumaError && error.code === 'Unavailable' && /issuance has stopped/.test(error.message);
  await assert.rejects(waiting, isStopped);
  await assert.rejects(limiter.run(work('late')), isStopped);
  finish('running');
  assert.equal(await running, 'running');
  assert.deepEqual(started, ['running']);
});

test('nonsensical settings are refused', () => {
  assert.throws(() => createIssuanceLimiter({ concurrency: 0 }), RangeError);
  assert.throws(() => createIssuanceLimiter({ ratePerSecond: 0 }), RangeError);
  assert.throws(() => createIssuanceLimiter({ burst: 0.5 }), RangeError);
});
