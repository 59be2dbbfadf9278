/**
 * The ResourceStore over SQL, written once for every driver (PGlite and
 * PostgreSQL run the same statements).
 *
 *   write ──► SQL (optimistic: `where version = $expected`) ──► row trigger
 *                                                                 │ pg_notify, on commit
 *   every instance's LISTEN ──► parseChangePayload ──► watch listeners
 *
 * Concurrency is the database's: an update or delete names the version its
 * writer read, and a statement that matched no row is then told apart as
 * NotFound or Conflict by one more read. Change events come only from the
 * trigger, never from the write path, so this instance hears its own writes
 * exactly like every other instance does, once per row and only after commit.
 */
import { randomUUID } from 'node:crypto';
import type { KogumaError } from '../../api/errors.js';
import type { Resource, ResourceDraft, ResourceKey } from '../../api/resource.js';
import { alreadyExists, missing, staleVersion } from '../errors.js';
import { createListenerSet } from '../listeners.js';
import type { StoreLogger } from '../logger.js';
import type { ListPage, ResourceStore, TagIndexer } from '../types.js';
import { parseChangePayload } from './change-payload.js';
import type { SqlDriver, SqlQueryable } from './driver.js';
import { startFailure } from './errors.js';
import { countStatement, pageStatement } from './list-query.js';
import { migrate } from './migrate.js';
import { changeChannel } from './migrations.js';
import { insertDocumentOf, resourceColumns, resourceOf, type ResourceRow } from './rows.js';

export interface SqlStoreOptions {
  readonly indexTags: TagIndexer;
  readonly logger: StoreLogger;
}

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

async function startSqlStore(driver: SqlDriver, { indexTags, logger }: SqlStoreOptions): Promise<ResourceStore> {
  await migrate(driver, logger);
  const [home] = await driver.query<{ schema: string }>(
    `select nspname as schema from pg_namespace
      where oid = (select relnamespace from pg_class where oid = 'koguma_resources'::regclass)`,
  );
  const schema = home?.schema ?? 'public';
  const listeners = createListenerSet(logger);
  /** Never changes once created, so read once per instance. */
  let clusterId: string | undefined;
  const stopListening = await driver.listen(changeChannel, (payload) => {
    const parsed = parseChangePayload(payload, schema);
    if (parsed.type === 'event') listeners.emit(parsed.event);
    else if (parsed.type === 'malformed') logger.warn({ payload }, 'ignored a malformed change notification');
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
    driver.transaction(async (tx) => {
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

    async update(draft, expectedVersion) {
      const [row] = await driver.query<ResourceRow>(updateStatement, [
        ...keyParams(draft),
        JSON.stringify(draft.labels),
        JSON.stringify(draft.spec),
        draft.status === undefined ? null : JSON.stringify(draft.status),
        indexTags(draft.kind, draft.spec),
        expectedVersion,
      ]);
      if (!row) throw await whyNoRow(driver, draft, expectedVersion);
      return resourceOf(row);
    },

    async delete(key, expectedVersion) {
      await driver.transaction(async (tx) => {
        const checkVersion = expectedVersion === undefined ? '' : ' and version = $4';
        const deleted = await tx.query(
          `delete from koguma_resources where kind = $1 and mesh = $2 and name = $3${checkVersion} returning version`,
          expectedVersion === undefined ? keyParams(key) : [...keyParams(key), expectedVersion],
        );
        if (deleted.length === 0) {
          throw expectedVersion === undefined ? missing(key) : await whyNoRow(tx, key, expectedVersion);
        }
        // The cascade: in the same transaction, so a mesh never disappears
        // while its resources stay behind (or the reverse).
        if (key.kind === 'Mesh') await tx.query('delete from koguma_resources where mesh = $1', [key.name]);
      });
    },

    watch(listener) {
      return listeners.add(listener);
    },

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
      listeners.clear();
      await stopListening().catch(() => {});
      await driver.close();
    },
  };
}
