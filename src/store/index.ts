/**
 * Public surface of the store folder: the ResourceStore contract, the one
 * factory the composition root calls, and `listAll`, which reads every page
 * of a query. Nothing outside src/store imports deeper.
 *
 *   memory   — in-process maps; tests and throwaway runs
 *   pglite   — embedded PostgreSQL, persisted to `dataDir` (the default store)
 *   postgres — a PostgreSQL server, shared by several control plane instances
 */
import { KogumaError } from '../api/index.js';
import { silentLogger, type StoreLogger } from './logger.js';
import { createMemoryStore } from './memory.js';
import { openPgliteDriver } from './sql/pglite-driver.js';
import { openPostgresDriver } from './sql/postgres-driver.js';
import { openSqlStore, type SqlStoreOptions } from './sql/sql-store.js';
import type { ResourceStore, TagIndexer } from './types.js';

export type {
  ChangeEvent,
  ChangeListener,
  InstanceAbout,
  InstanceRecord,
  LeaseKey,
  LeftOpenQuery,
  LeftOpenSubscription,
  RegistrationLeases,
  ResyncEvent,
  StoreEvent,
  StoreHealth,
  ChangeOp,
  ListPage,
  ListQuery,
  SpecCondition,
  TagContains,
  ResourceStore,
  TagIndexer,
} from './types.js';
export type { StoreLogger } from './logger.js';
export { ownerKindOf, type RecordContent, type RecordKey, type RecordMerge } from './owned-records.js';
export { listAll, LIST_ALL_PAGE, type ListAllQuery } from './list-all.js';

export interface StoreConfig {
  readonly type: 'memory' | 'pglite' | 'postgres';
  /** pglite: where the database persists (in memory when omitted). */
  readonly dataDir?: string;
  /** postgres: the server's URL. */
  readonly postgresUrl?: string;
  /** Builds each resource's tag index (the kind registry's `indexTags`). */
  readonly indexTags?: TagIndexer;
  readonly logger?: StoreLogger;
  /** SQL stores: change-log retention and timers (defaults suit production). */
  readonly tuning?: Pick<SqlStoreOptions, 'changeLogRetentionMs' | 'probeIntervalMs' | 'catchUpIntervalMs'>;
}

const noTags: TagIndexer = () => [];

/** Opens the configured store: migrated, listening, ready. Close it to release its database. */
export async function createStore(config: StoreConfig): Promise<ResourceStore> {
  const logger = config.logger ?? silentLogger;
  const options = { indexTags: config.indexTags ?? noTags, logger, ...config.tuning };
  switch (config.type) {
    case 'memory':
      return createMemoryStore(options);
    case 'pglite':
      return openSqlStore(
        await openPgliteDriver(config.dataDir === undefined ? { logger } : { dataDir: config.dataDir, logger }),
        options,
      );
    case 'postgres':
      if (!config.postgresUrl) throw new KogumaError('InvalidInput', 'the postgres store needs a postgresUrl');
      return openSqlStore(await openPostgresDriver({ url: config.postgresUrl, logger }), options);
  }
}
