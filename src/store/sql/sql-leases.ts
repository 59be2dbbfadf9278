/**
 * Registration leases in SQL (the rules: RegistrationLeases in ../types.ts).
 *
 *   koguma_instances  id, heartbeat_at           one row per live instance
 *   koguma_leases     mesh, name → instance_id, version, released_at
 *
 * Time is the database's `now()`, so instances with skewed clocks agree. The
 * sweep deletes the lease rows that are due and the Dataplanes they name, at
 * the version the lease recorded, in one statement: a Dataplane written again
 * meanwhile (a newer version) is not matched, so a proxy that reconnected,
 * here or elsewhere, keeps its Dataplane whatever the timing.
 */
import type { LeaseKey, RegistrationLeases } from '../types.js';
import type { SqlDriver } from './driver.js';
import { writeLockStatement } from './migrations.js';

const heartbeatStatement = `insert into koguma_instances (id, heartbeat_at) values ($1, now())
  on conflict (id) do update set heartbeat_at = now()`;

/** Leases due for removal; `$1` is the removal delay, `$2` the instance TTL, both in ms. */
const dueCondition = `(l.released_at is not null and l.released_at < now() - $1::float8 * interval '1 millisecond')
  or (l.released_at is null and not exists (
        select 1 from koguma_instances i
         where i.id = l.instance_id
           and i.heartbeat_at >= now() - greatest($1::float8, $2::float8) * interval '1 millisecond'))`;

const anyDueStatement = `select exists (select 1 from koguma_leases l where ${dueCondition}) as due`;

const sweepStatement = `with due as (
    delete from koguma_leases l where ${dueCondition}
    returning mesh, name, version)
  delete from koguma_resources r using due
   where r.kind = 'Dataplane' and r.mesh = due.mesh and r.name = due.name and r.version = due.version
  returning r.mesh, r.name`;

/** The insights of the Dataplanes a sweep removed: a record never outlives its owner (owned-records.ts). */
const sweepInsightsStatement = `delete from koguma_resources
  where kind = 'DataplaneInsight' and (mesh, name) in (select m, n from unnest($1::text[], $2::text[]) as k(m, n))`;

export function sqlLeases(driver: SqlDriver, schema: string, instanceId: string): RegistrationLeases {
  return {
    async hold(key, version) {
      await driver.query(heartbeatStatement, [instanceId]);
      await driver.query(
        `insert into koguma_leases (mesh, name, instance_id, version, released_at) values ($1, $2, $3, $4, null)
          on conflict (mesh, name) do update set instance_id = $3, version = $4, released_at = null`,
        [key.mesh, key.name, instanceId, version],
      );
    },

    async release(key, version) {
      await driver.query(
        `update koguma_leases set released_at = now()
          where mesh = $1 and name = $2 and instance_id = $3 and version = $4 and released_at is null`,
        [key.mesh, key.name, instanceId, version],
      );
    },

    async releaseAll() {
      await driver.transaction(async (tx) => {
        await tx.query('update koguma_leases set released_at = now() where instance_id = $1 and released_at is null', [
          instanceId,
        ]);
        await tx.query('delete from koguma_instances where id = $1', [instanceId]);
      });
    },

    async heartbeat() {
      await driver.query(heartbeatStatement, [instanceId]);
    },

    async sweep(removalDelayMs, instanceTtlMs) {
      const params = [removalDelayMs, instanceTtlMs];
      // Most sweeps find nothing: ask first, without making writers wait.
      const [check] = await driver.query<{ due: boolean }>(anyDueStatement, params);
      if (!check?.due) return [];
      // Deleting Dataplanes appends to the change log: hold the write lock first, like every writer.
      return driver.transaction(async (tx) => {
        await tx.query(writeLockStatement, [schema]);
        const removed = await tx.query<LeaseKey>(sweepStatement, params);
        if (removed.length > 0) {
          await tx.query(sweepInsightsStatement, [removed.map((key) => key.mesh), removed.map((key) => key.name)]);
        }
        return removed;
      });
    },
  };
}
