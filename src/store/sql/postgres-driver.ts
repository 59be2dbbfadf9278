/**
 * SqlDriver over a PostgreSQL server with the `postgres` package: a connection
 * pool for statements, and a LISTEN connection of its own that subscribes
 * again whenever it drops (postgres-listener.ts).
 *
 * The first statement runs at open, so a server that cannot be reached fails the
 * start with Unavailable and the URL (without its password) instead of failing
 * the first request later.
 */
import postgres from 'postgres';
import { KogumaError } from '../../api/index.js';
import type { StoreLogger } from '../logger.js';
import type { SqlDriver, SqlParam, SqlQueryable } from './driver.js';
import { translated, withCause } from './errors.js';
import { listenResiliently, reconnectBackoff } from './postgres-listener.js';

export interface PostgresDriverOptions {
  readonly url: string;
  readonly logger: StoreLogger;
}

/** Statement connections per instance; the LISTEN connection comes on top. */
const poolSize = 10;

/** The URL with any password removed, for logs and messages. */
export function redactedUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, '$1@');
}

type Client = postgres.Sql | postgres.TransactionSql;

export async function openPostgresDriver({ url, logger }: PostgresDriverOptions): Promise<SqlDriver> {
  const description = `PostgreSQL (${redactedUrl(url)})`;
  const sql = postgres(url, {
    max: poolSize,
    connect_timeout: 10,
    backoff: reconnectBackoff,
    // Server notices ("relation already exists, skipping") are not errors; the
    // package would print them to the console by default.
    onnotice: (notice) => logger.debug({ notice: notice['message'] }, 'postgres notice'),
  });
  try {
    await sql.unsafe('select 1');
  } catch (error) {
    await sql.end({ timeout: 0 }).catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw withCause(new KogumaError('Unavailable', `cannot reach PostgreSQL at ${redactedUrl(url)}: ${reason}`), error);
  }

  const run = (client: Client): SqlQueryable => ({
    query: <Row extends object>(text: string, params: readonly SqlParam[] = []) =>
      translated(description, async () => {
        // The package types parameters by its own type map; ours are plain JSON-able values.
        const rows = await client.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
        return [...rows] as unknown as Row[];
      }),
  });

  return {
    description,
    ...run(sql),
    transaction: <T>(fn: (tx: SqlQueryable) => Promise<T>) =>
      translated(description, async () => (await sql.begin((tx) => fn(run(tx)))) as T),
    listen: (channel, onPayload, onSubscribed) =>
      translated(description, async () => {
        const stop = await listenResiliently({ url, channel, onPayload, onSubscribed, logger });
        return () => translated(description, stop);
      }),
    close: () => translated(description, () => sql.end({ timeout: 5 })),
  };
}
