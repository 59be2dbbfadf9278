/**
 * A PostgreSQL store whose server cannot be reached fails at start with
 * Unavailable and the URL, without its password. Needs no server: nothing
 * listens on port 1.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createStore } from '../../src/store/index.js';
import { rejectsWith } from './store-context.js';

it('a PostgreSQL server that cannot be reached fails the start with Unavailable naming the URL without password', async () => {
  const error = await rejectsWith(
    createStore({ type: 'postgres', postgresUrl: 'postgres://koguma:s3cret@127.0.0.1:1/koguma' }),
    'Unavailable',
  );
  assert.ok(error.message.includes('postgres://koguma@127.0.0.1:1/koguma'), error.message);
  assert.ok(!error.message.includes('s3cret'), error.message);
});
