/**
 * The store contract on a PostgreSQL server, in a schema of this run's own,
 * plus what only a shared server has: concurrent starts migrating once.
 * Runs only when KOGUMA_TEST_POSTGRES_URL names a server; otherwise this file
 * registers no tests at all.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { createStore } from '../../src/store/index.js';
import { createTestSchema, type TestSchema } from '../support/store-postgres.js';
import { storeContract } from './store.contract.js';

const serverUrl = process.env['KOGUMA_TEST_POSTGRES_URL'];

if (serverUrl) {
  let schema: TestSchema | undefined;
  before(async () => {
    schema = await createTestSchema(serverUrl, 'contract');
  });
  after(() => schema?.drop());

  storeContract(
    'PostgreSQL',
    ({ indexTags }) => createStore({ type: 'postgres', postgresUrl: schema!.url, indexTags }),
    { persistent: true, sharedByInstances: true },
  );

  describe('PostgreSQL migrations', () => {
    it('two instances starting at once on an empty schema apply each migration once', async () => {
      const fresh = await createTestSchema(serverUrl, 'migrate');
      try {
        const starts = await Promise.allSettled(
          [1, 2].map(() => createStore({ type: 'postgres', postgresUrl: fresh.url })),
        );
        // Close whatever started before asserting, so a failed start cannot leave a pool open.
        await Promise.all(
          starts.map((start) => (start.status === 'fulfilled' ? start.value.close() : Promise.resolve())),
        );
        for (const start of starts) {
          if (start.status === 'rejected') assert.fail(`a concurrent start failed: ${String(start.reason)}`);
        }
        const sql = postgres(fresh.url, { max: 1 });
        try {
          const rows = await sql.unsafe('select version from koguma_schema_migrations order by version');
          const versions = rows.map((row) => Number(row['version']));
          assert.ok(versions.length > 0);
          assert.deepEqual(
            versions,
            versions.map((_, i) => i + 1),
            'each version recorded once, none skipped',
          );
        } finally {
          await sql.end();
        }
      } finally {
        await fresh.drop();
      }
    });
  });
}
