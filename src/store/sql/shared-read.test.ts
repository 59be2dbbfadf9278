import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedRead } from './shared-read.js';

/** A read whose every call is counted and resolved by hand. */
function manualRead() {
  const pending: ((value: number) => void)[] = [];
  let calls = 0;
  return {
    read: () => new Promise<number>((resolve) => pending.push(resolve)).then((v) => v),
    count: (fn: () => Promise<number>) => () => ((calls += 1), fn()),
    calls: () => calls,
    resolveNext: (value: number) => pending.shift()!(value),
  };
}

test('callers arriving during a read share the next one, never the read in flight', async () => {
  const manual = manualRead();
  const head = sharedRead(manual.count(manual.read));
  const first = head();
  const during = [head(), head(), head()];
  assert.equal(manual.calls(), 1, 'one read in flight, the next not yet started');
  manual.resolveNext(1);
  assert.equal(await first, 1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(manual.calls(), 2, 'the callers that came during the first read share a second one');
  manual.resolveNext(2);
  assert.deepEqual(await Promise.all(during), [2, 2, 2]);
  const alone = head();
  assert.equal(manual.calls(), 3);
  manual.resolveNext(3);
  assert.equal(await alone, 3);
});

test('a failed read fails its callers only; the queued read still runs', async () => {
  let attempt = 0;
  let release: () => void = () => {};
  const head = sharedRead(async () => {
    attempt += 1;
    if (attempt === 1) {
      await new Promise<void>((resolve) => (release = resolve));
      throw new Error('down');
    }
    return attempt;
  });
  const first = head();
  const queued = head();
  release();
  await assert.rejects(first, /down/);
  assert.equal(await queued, 2);
});
