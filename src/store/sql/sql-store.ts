/**
 * The ResourceStore over SQL, written once for every driver (PGlite and
 * PostgreSQL run the same statements).
 *
 *   write ──► write lock ──► SQL (optimistic: `where version = $expected`) ──► row trigger
 *                                            koguma_changes (seq) + pg_notify, on commit │
 *   every instance's LISTEN ──► ChangeFeed (in order, gaps read from the log) ──► watch listeners
 *
 * Concurrency is the database's: an update or delete names the version its
 * writer read, and a statement that matched no row is then told apart as
 * NotFound or Conflict by one more read. Change events come only from the
 * trigger, never from the write path, so this instance hears its own writes
 * exactly like every other instance does, once per row and only after commit.
 * Every write transaction first takes the change log's lock (migrations.ts),
 * which orders the log by commit and keeps writers from deadlocking on it.
 *
 * Every statement reports to the health monitor; after an outage the change
 * feed reads what was committed meanwhile, so no change is skipped.
 */
import { randomUUID } from 'node:crypto';
import type { KogumaError, Resource, ResourceDraft, ResourceKey } from '../../api/index.js';
import { alreadyExists, missing, staleVersion } from '../errors.js';
import { createListenerSet } from '../listeners.js';
import type { StoreLogger } from '../logger.js';
import type { ListPage, ResourceStore, TagIndexer } from '../types.js';
import { ChangeFeed, pruneChangeLog, readHead } from './change-feed.js';
import type { SqlDriver, SqlQueryable } from './driver.js';
import { startFailure } from './errors.js';
import { HealthMonitor, observedDriver } from './health-monitor.js';
import { countStatement, pageStatement } from './list-query.js';
import { migrate } from './migrate.js';
import { changeChannel, writeLockStatement } from './migrations.js';
import { insertDocumentOf, resourceColumns, resourceOf, type ResourceRow } from './rows.js';
import { sharedRead } from './shared-read.js';
import { sqlLeases } from './sql-leases.js';
import { writeRecords } from './sql-records.js';
import { ownedKindsOf } from '../owned-records.js';

export interface SqlStoreOptions {
  readonly indexTags: TagIndexer;
  readonly logger: StoreLogger;
  /** How long changes stay readable in the change log (an instance away longer reloads everything). */
  readonly changeLogRetentionMs?: number;
  /** How often an unavailable database is probed. */
  readonly probeIntervalMs?: number;
  /**
   * How often the change log is read even without a notification: a safety
   * net for a LISTEN connection that died without closing.
   */
  readonly catchUpIntervalMs?: number;
}

const defaultRetentionMs = 60 * 60_000;
const defaultProbeIntervalMs = 500;
const defaultCatchUpIntervalMs = 10_000;
/** Pruning runs this often; at most a tenth of the retention, so the log never grows far past it. */
const pruneEveryMs = (retentionMs: number): number => Math.max(1000, Math.min(10 * 60_000, retentionMs / 10));

const keyParams = (key: ResourceKey): [string, string, string] => [key.kind, key.mesh, key.name];
const keyId = (key: ResourceKey): string => `${key.kind}\u0000${key.mesh}\u0000${key.name}`;

const insertStatement = `insert into koguma_resources
    (kind, mesh, name, version, labels, spec, status, tags, creation_time, modification_time)
  select d->>'kind', d->>'mesh', d->>'name', 1, (d->'labels')::jsonb, d->'spec', nullif((d->'status')::text, 'null')::json,
    array(select json_array_elements_text(d->'tags')), now(), now()
  from json_array_elements($1::text::json) as d
  on conflict (kind, mesh, name) do nothing
  returning ${resourceColumns}`;

const updateStatement = `update koguma_resources
  set version = version + 1, labels = $4::text::jsonb, spec = $5::text::json,
    status = $6::text::json, tags = $7::text[], modification_time = now()
  where kind = $1 and mesh = $2 and name = $3 and version = $8
  returning ${resourceColumns}`;

/**
 * Migrates the database, starts listening for changes and returns the store.
 * The store owns the driver from here: closing the store closes it, and a
 * failure to start closes it too.
 */
export async function openSqlStore(driver: SqlDriver, options: SqlStoreOptions): Promise<ResourceStore> {
  try {
    return await startSqlStore(driver, options);
  } catch (error) {
    await driver.close().catch(() => {});
    throw startFailure(driver.description, error);
  }
}

async function startSqlStore(rawDriver: SqlDriver, options: SqlStoreOptions): Promise<ResourceStore> {
  const { indexTags, logger } = options;
  await migrate(rawDriver, logger);
  const [home] = await rawDriver.query<{ schema: string }>(
    `select nspname as schema from pg_namespace
      where oid = (select relnamespace from pg_class where oid = 'koguma_resources'::regclass)`,
  );
  const schema = home?.schema ?? 'public';
  const listeners = createListenerSet(logger);
  const feed: ChangeFeed = new ChangeFeed({ db: rawDriver, schema, emit: (event) => listeners.emit(event), logger });
  const monitor = new HealthMonitor({
    probe: () => rawDriver.query('select 1'),
    probeIntervalMs: options.probeIntervalMs ?? defaultProbeIntervalMs,
    onRecovered: () => void feed.catchUp(),
    logger,
    description: rawDriver.description,
  });
  const driver = observedDriver(rawDriver, monitor);
  /** Never changes once created, so read once per instance. */
  let clusterId: string | undefined;
  await feed.start();
  const stopListening = await driver.listen(
    changeChannel,
    (payload) => feed.onNotification(payload),
    () => void feed.catchUp(),
  );
  const retentionMs = options.changeLogRetentionMs ?? defaultRetentionMs;
  const timers = [
    setInterval(() => void feed.catchUp(), options.catchUpIntervalMs ?? defaultCatchUpIntervalMs),
    setInterval(() => {
      pruneChangeLog(driver, retentionMs).catch((error: unknown) =>
        logger.debug({ err: error }, 'cannot prune the change log now'),
      );
    }, pruneEveryMs(retentionMs)),
  ];
  for (const timer of timers) timer.unref();

  /** A transaction that writes resources: holds the change log's lock from its first statement. */
  const writeTransaction = <T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> =>
    driver.transaction(async (tx) => {
      await tx.query(writeLockStatement, [schema]);
      return fn(tx);
    });

  /** After a write matched no row: was the resource missing, or at another version? */
  const whyNoRow = async (db: SqlQueryable, key: ResourceKey, expectedVersion: number): Promise<KogumaError> => {
    const [row] = await db.query<{ version: number | string }>(
      'select version from koguma_resources where kind = $1 and mesh = $2 and name = $3',
      keyParams(key),
    );
    return row ? staleVersion(key, Number(row.version), expectedVersion) : missing(key);
  };

  const createAll = (drafts: readonly ResourceDraft[]): Promise<Resource[]> =>
    // `on conflict do nothing` returns the rows it inserted; fewer than asked
    // means a key existed (or repeated in the batch), and throwing rolls back
    // the rest. This names the conflicting key without parsing a driver error.
    writeTransaction(async (tx) => {
      const documents = drafts.map((draft) => insertDocumentOf(draft, indexTags));
      const rows = await tx.query<ResourceRow>(insertStatement, [JSON.stringify(documents)]);
      const inserted = new Map(rows.map((row) => [keyId(row), resourceOf(row)]));
      const seen = new Set<string>();
      for (const draft of drafts) {
        const id = keyId(draft);
        if (!inserted.has(id) || seen.has(id)) throw alreadyExists(draft);
        seen.add(id);
      }
      return drafts.map((draft) => inserted.get(keyId(draft))!);
    });

  return {
    description: driver.description,

    async get(key) {
      const [row] = await driver.query<ResourceRow>(
        `select ${resourceColumns} from koguma_resources where kind = $1 and mesh = $2 and name = $3`,
        keyParams(key),
      );
      return row ? resourceOf(row) : undefined;
    },

    async list(query) {
      const page = pageStatement(query);
      const rows = await driver.query<ResourceRow & { total: number | string }>(page.text, page.params);
      if (rows[0]) return { total: Number(rows[0].total), items: rows.map(resourceOf) } satisfies ListPage;
      const count = countStatement(query);
      const [counted] = await driver.query<{ total: number | string }>(count.text, count.params);
      return { total: Number(counted?.total ?? 0), items: [] };
    },

    async create(draft) {
      const [created] = await createAll([draft]);
      return created!;
    },

    createAll,

    update: (draft, expectedVersion) =>
      writeTransaction(async (tx) => {
        const [row] = await tx.query<ResourceRow>(updateStatement, [
          ...keyParams(draft),
          JSON.stringify(draft.labels),
          JSON.stringify(draft.spec),
          draft.status === undefined ? null : JSON.stringify(draft.status),
          indexTags(draft.kind, draft.spec),
          expectedVersion,
        ]);
        if (!row) throw await whyNoRow(tx, draft, expectedVersion);
        return resourceOf(row);
      }),

    async delete(key, expectedVersion) {
      await writeTransaction(async (tx) => {
        const checkVersion = expectedVersion === undefined ? '' : ' and version = $4';
        const deleted = await tx.query(
          `delete from koguma_resources where kind = $1 and mesh = $2 and name = $3${checkVersion} returning version`,
          expectedVersion === undefined ? keyParams(key) : [...keyParams(key), expectedVersion],
        );
        if (deleted.length === 0) {
          throw expectedVersion === undefined ? missing(key) : await whyNoRow(tx, key, expectedVersion);
        }
        // The cascades: in the same transaction, so a mesh never disappears
        // while its resources stay behind (or the reverse), nor a Dataplane while its insight stays.
        for (const owned of ownedKindsOf(key.kind)) {
          await tx.query('delete from koguma_resources where kind = $1 and mesh = $2 and name = $3', [
            owned,
            key.mesh,
            key.name,
          ]);
        }
        if (key.kind === 'Mesh') await tx.query('delete from koguma_resources where mesh = $1', [key.name]);
      });
    },

    writeRecords: (kind, keys, merge) => writeTransaction((tx) => writeRecords(tx, indexTags, kind, keys, merge)),

    watch(listener) {
      return listeners.add(listener);
    },

    head: sharedRead(() => readHead(driver)),

    delivered: (seq) => feed.delivered(seq),

    health: () => monitor.health(),

    leases: (instanceId, about) => sqlLeases(driver, schema, instanceId, about),

    async clusterId() {
      if (clusterId === undefined) {
        // Whichever instance inserts first wins; everyone then reads the winner's id.
        await driver.query(
          `insert into koguma_meta (key, value) values ('cluster_id', $1) on conflict (key) do nothing`,
          [randomUUID()],
        );
        const [row] = await driver.query<{ value: string }>(`select value from koguma_meta where key = 'cluster_id'`);
        clusterId = row!.value;
      }
      return clusterId;
    },

    async close() {
      for (const timer of timers) clearInterval(timer);
      monitor.close();
      feed.close();
      listeners.clear();
      await stopListening().catch(() => {});
      await driver.close();
    },
  };
}
