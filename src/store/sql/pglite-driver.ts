/**
 * SqlDriver over PGlite, the embedded PostgreSQL (WASM) that is Koguma's default
 * store. With a data dir the database persists in `<dataDir>/pgdata`, guarded by
 * the data dir lock (one control plane per data dir); without one it lives in
 * memory, for tests and throwaway runs.
 *
 *   openPgliteDriver ─► lock <dataDir> ─► PGlite thread (pglite-thread.ts):
 *                                          template or existing pgdata, owner-only files
 *
 * PGlite runs in a worker thread and is one connection: statements and
 * transactions are serialized by the library, and NOTIFY is delivered to this
 * same connection's listeners, which is how this instance hears its own changes.
 *
 * `preparePgliteDataDir` starts opening a data dir before the store is asked
 * for, so that `koguma cp run` overlaps the database's start with loading the
 * rest of the control plane; `openPgliteDriver` then adopts what it started.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KogumaError } from '../../api/index.js';
import type { StoreLogger } from '../logger.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import type { SqlDriver, SqlParam, SqlQueryable } from './driver.js';
import { translated, withCause } from './errors.js';
import { PgliteClient } from './pglite-client.js';
import { usableTemplate } from './pglite-template.js';

export interface PgliteDriverOptions {
  /** Where the database persists; in memory when omitted. */
  readonly dataDir?: string;
  readonly logger: StoreLogger;
}

interface OpenDatabase {
  readonly client: PgliteClient;
  readonly lock: DataDirLock | undefined;
}

const describe = (dataDir: string | undefined): string =>
  dataDir === undefined ? 'PGlite (in memory)' : `PGlite (${dataDir})`;

/** Takes the data dir's lock and starts the database thread. */
async function openDatabase(dataDir: string | undefined, logger: StoreLogger): Promise<OpenDatabase> {
  const description = describe(dataDir);
  let lock: DataDirLock | undefined;
  try {
    if (dataDir !== undefined) {
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      lock = await lockDataDir(dataDir, logger);
    }
    // The database files get their own folder: the data dir also holds the
    // lock, the API credentials and the DP server's certificates.
    const pgdata = dataDir === undefined ? undefined : join(dataDir, 'pgdata');
    const client = await PgliteClient.start({ pgdata, template: usableTemplate() }, description);
    return { client, lock };
  } catch (error) {
    await lock?.release();
    if (error instanceof KogumaError) throw error;
    // A data dir that cannot be created or read: the database is not there to serve.
    const reason = error instanceof Error ? error.message : String(error);
    throw withCause(new KogumaError('Unavailable', `cannot open ${description}: ${reason}`), error);
  }
}

/** Log lines of an opening nobody has adopted yet, replayed to the adopter's logger. */
class HeldLog implements StoreLogger {
  private readonly lines: [keyof StoreLogger, object, string][] = [];
  debug(fields: object, message: string): void {
    this.lines.push(['debug', fields, message]);
  }
  info(fields: object, message: string): void {
    this.lines.push(['info', fields, message]);
  }
  warn(fields: object, message: string): void {
    this.lines.push(['warn', fields, message]);
  }
  error(fields: object, message: string): void {
    this.lines.push(['error', fields, message]);
  }
  replayTo(logger: StoreLogger): void {
    for (const [level, fields, message] of this.lines) logger[level](fields, message);
  }
}

interface Prepared {
  readonly opening: Promise<OpenDatabase>;
  readonly log: HeldLog;
}

/** Openings started by preparePgliteDataDir, by absolute data dir. */
const prepared = new Map<string, Prepared>();

/**
 * Starts opening the database of `dataDir` (lock included) now, for the next
 * `openPgliteDriver` on the same data dir to adopt. A failure surfaces there.
 */
export function preparePgliteDataDir(dataDir: string): void {
  const key = resolve(dataDir);
  if (prepared.has(key)) return;
  const log = new HeldLog();
  const opening = openDatabase(dataDir, log);
  // Seen by the adopter; until then it must not count as unhandled.
  opening.catch(() => {});
  prepared.set(key, { opening, log });
}

async function adoptOrOpen(dataDir: string | undefined, logger: StoreLogger): Promise<OpenDatabase> {
  const key = dataDir === undefined ? undefined : resolve(dataDir);
  const early = key === undefined ? undefined : prepared.get(key);
  if (early === undefined || key === undefined) return openDatabase(dataDir, logger);
  prepared.delete(key);
  try {
    return await early.opening;
  } finally {
    early.log.replayTo(logger);
  }
}

export async function openPgliteDriver({ dataDir, logger }: PgliteDriverOptions): Promise<SqlDriver> {
  const description = describe(dataDir);
  const { client, lock } = await adoptOrOpen(dataDir, logger);

  const run = (tx?: number): SqlQueryable => ({
    query: <Row extends object>(text: string, params: readonly SqlParam[] = []) =>
      translated(description, () =>
        client.request<Row[]>({ op: 'query', text, params, ...(tx === undefined ? {} : { tx }) }),
      ),
  });

  return {
    description,
    ...run(),
    transaction: (fn) =>
      translated(description, async () => {
        const tx = await client.request<number>({ op: 'begin' });
        let result: Awaited<ReturnType<typeof fn>>;
        try {
          result = await fn(run(tx));
        } catch (error) {
          await client.request({ op: 'end', tx, commit: false }).catch(() => {});
          throw error;
        }
        await client.request({ op: 'end', tx, commit: true });
        return result;
      }),
    listen: (channel, onPayload) =>
      translated(description, async () => {
        const listener = await client.request<number>({ op: 'listen', channel });
        client.subscribe(listener, onPayload);
        return () =>
          translated(description, async () => {
            client.unsubscribe(listener);
            await client.request({ op: 'unlisten', listener });
          });
      }),
    async close() {
      try {
        await translated(description, () => client.close());
      } finally {
        await lock?.release();
      }
    },
  };
}
