/**
 * Applies the migrations a database lacks, in order, in one transaction, and
 * records each in `koguma_schema_migrations`.
 *
 * Several control planes may start at once on one PostgreSQL. The transaction
 * first takes a transaction-scoped advisory lock, so the others wait until the
 * first one commits; each then reads the recorded versions afresh (read
 * committed: a new snapshot per statement) and finds nothing left to apply.
 * Without the lock two starts could both see version 1 missing and both try to
 * create the tables.
 */
import type { StoreLogger } from '../logger.js';
import type { SqlDriver } from './driver.js';
import { migrations } from './migrations.js';

/** Arbitrary but fixed: the advisory lock key every Koguma instance migrates under. */
const migrationLockKey = 4_815_162_342;

export async function migrate(driver: SqlDriver, logger: StoreLogger): Promise<void> {
  await driver.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${migrationLockKey})`);
    await tx.query(`create table if not exists koguma_schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
    const rows = await tx.query<{ version: number }>('select version from koguma_schema_migrations');
    const applied = new Set(rows.map((row) => Number(row.version)));
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('insert into koguma_schema_migrations (version, name) values ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      logger.info({ version: migration.version, migration: migration.name }, 'applied store migration');
    }
  });
}
