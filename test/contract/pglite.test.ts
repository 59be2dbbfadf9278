/**
 * The store contract on PGlite persisted to a temporary data dir, then the
 * data dir lock: one control plane per data dir, stale locks taken over.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createStore } from '../../src/store/index.js';
import { rejectsWith } from './store-context.js';
import { storeContract } from './store.contract.js';

const dataDir = mkdtempSync(join(tmpdir(), 'koguma-pglite-contract-'));
after(() => rm(dataDir, { recursive: true, force: true }));

storeContract('PGlite', ({ indexTags }) => createStore({ type: 'pglite', dataDir, indexTags }), {
  persistent: true,
  sharedByInstances: false,
});

// Runs after the contract suite has closed its store, on the same data dir.
describe('PGlite data dir lock', () => {
  const lockFile = join(dataDir, 'koguma.lock');

  it('refuses a second store on a data dir in use, naming the process that holds it', async () => {
    const first = await createStore({ type: 'pglite', dataDir });
    try {
      const error = await rejectsWith(createStore({ type: 'pglite', dataDir }), 'Unavailable');
      assert.match(error.message, new RegExp(`in use by process ${process.pid}\\b`));
      assert.ok(error.message.includes(lockFile), error.message);
    } finally {
      await first.close();
    }
    assert.equal(existsSync(lockFile), false, 'closing the store releases the lock');
  });

  it('two stores opening one data dir at once: exactly one opens', async () => {
    const starts = await Promise.allSettled([1, 2].map(() => createStore({ type: 'pglite', dataDir })));
    await Promise.all(starts.map((start) => (start.status === 'fulfilled' ? start.value.close() : Promise.resolve())));
    assert.deepEqual(starts.map((start) => start.status).sort(), ['fulfilled', 'rejected']);
    const refused = starts.find((start) => start.status === 'rejected');
    await rejectsWith(Promise.reject(refused?.reason as Error), 'Unavailable');
  });

  it('takes over a lock naming this process when this process does not hold it (a restarted pid 1)', async () => {
    await writeFile(lockFile, `${process.pid}\n`);
    const store = await createStore({ type: 'pglite', dataDir });
    await store.close();
    assert.equal(existsSync(lockFile), false);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(lockFile, `${gone}\n`);
    const store = await createStore({ type: 'pglite', dataDir });
    try {
      assert.equal((await readFile(lockFile, 'utf8')).trim(), String(process.pid));
    } finally {
      await store.close();
    }
    assert.equal(existsSync(lockFile), false);
  });
});
