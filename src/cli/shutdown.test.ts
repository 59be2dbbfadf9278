import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createShutdown } from './shutdown.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

function recorder() {
  const exits: number[] = [];
  const signals: string[] = [];
  const errors: unknown[] = [];
  const shutdown = createShutdown({
    exit: (code) => exits.push(code),
    onSignal: (signal, immediate) => signals.push(`${signal}${immediate ? '!' : ''}`),
    onError: (error) => errors.push(error),
  });
  return { shutdown, exits, signals, errors };
}

test('a signal stops the service once and exits 0', async () => {
  const { shutdown, exits } = recorder();
  let stops = 0;
  shutdown.started(async () => {
    stops++;
  });
  shutdown.signal('SIGTERM');
  await settle();
  assert.equal(stops, 1);
  assert.deepEqual(exits, [0]);
});

test('a second signal while stopping exits at once with 128 + the signal number', async () => {
  const { shutdown, exits, signals } = recorder();
  let stops = 0;
  shutdown.started(() => {
    stops++;
    return new Promise(() => {}); // never finishes
  });
  shutdown.signal('SIGINT');
  shutdown.signal('SIGINT');
  assert.deepEqual(exits, [130]);
  shutdown.signal('SIGTERM');
  assert.deepEqual(exits, [130, 143]);
  assert.equal(stops, 1);
  assert.deepEqual(signals, ['SIGINT', 'SIGINT!', 'SIGTERM!']);
});

test('a signal during startup stops the service once it has started', async () => {
  const { shutdown, exits } = recorder();
  shutdown.signal('SIGTERM');
  assert.deepEqual(exits, []);
  let stops = 0;
  shutdown.started(async () => {
    stops++;
  });
  await settle();
  assert.equal(stops, 1);
  assert.deepEqual(exits, [0]);
});

test('a failed stop is reported and exits 1', async () => {
  const { shutdown, exits, errors } = recorder();
  shutdown.started(() => Promise.reject(new Error('store would not close')));
  shutdown.signal('SIGTERM');
  await settle();
  assert.deepEqual(exits, [1]);
  assert.equal((errors[0] as Error).message, 'store would not close');
});
