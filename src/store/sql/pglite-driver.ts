/**
 * SqlDriver over PGlite, the embedded PostgreSQL (WASM) that is Koguma's default
 * store. With a data dir the database persists in `<dataDir>/pgdata`, guarded by
 * the data dir lock (one control plane per data dir); without one it lives in
 * memory, for tests and throwaway runs.
 *
 * PGlite is one connection: statements and transactions are serialized by the
 * library, and NOTIFY is delivered to this same connection's listeners, which is
 * how this instance hears its own changes.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { KogumaError } from '../../api/errors.js';
import type { StoreLogger } from '../logger.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import type { SqlDriver, SqlParam, SqlQueryable } from './driver.js';
import { translated, withCause } from './errors.js';

export interface PgliteDriverOptions {
  /** Where the database persists; in memory when omitted. */
  readonly dataDir?: string;
  readonly logger: StoreLogger;
}

export async function openPgliteDriver({ dataDir, logger }: PgliteDriverOptions): Promise<SqlDriver> {
  const description = dataDir === undefined ? 'PGlite (in memory)' : `PGlite (${dataDir})`;
  let lock: DataDirLock | undefined;
  let db: PGlite;
  try {
    if (dataDir !== undefined) {
      await mkdir(dataDir, { recursive: true });
      lock = await lockDataDir(dataDir, logger);
    }
    // The database files get their own folder: the data dir also holds the lock
    // (and may hold other control plane files later).
    db = await PGlite.create(dataDir === undefined ? undefined : join(dataDir, 'pgdata'));
  } catch (error) {
    await lock?.release();
    if (error instanceof KogumaError) throw error;
    // A data dir that cannot be created or read: the database is not there to serve.
    const reason = error instanceof Error ? error.message : String(error);
    throw withCause(new KogumaError('Unavailable', `cannot open ${description}: ${reason}`), error);
  }

  const run = (target: Pick<PGlite, 'query'>): SqlQueryable => ({
    query: <Row extends object>(text: string, params: readonly SqlParam[] = []) =>
      translated(description, async () => (await target.query<Row>(text, [...params])).rows),
  });

  return {
    description,
    ...run(db),
    transaction: (fn) => translated(description, () => db.transaction((tx) => fn(run(tx)))),
    listen: (channel, onPayload) =>
      translated(description, async () => {
        const stop = await db.listen(channel, onPayload);
        return () => translated(description, () => stop());
      }),
    async close() {
      try {
        await translated(description, () => db.close());
      } finally {
        await lock?.release();
      }
    },
  };
}
