/**
 * Registration leases in SQL (the rules: RegistrationLeases in ../types.ts).
 *
 *   koguma_instances  id, heartbeat_at, started_at, about   one row per live instance
 *   koguma_leases     mesh, name → instance_id, version, released_at
 *
 * Time is the database's `now()`, so instances with skewed clocks agree. The
 * sweep deletes the lease rows that are due and the Dataplanes they name, at
 * the version the lease recorded, in one statement: a Dataplane written again
 * meanwhile (a newer version) is not matched, so a proxy that reconnected,
 * here or elsewhere, keeps its Dataplane whatever the timing.
 *
 * `leftOpen` first reads the few instance rows; only when one has lapsed and
 * is not yet marked `subscriptions_closed` does it search the insight records'
 * JSON for that instance's open subscriptions (one range of the primary key,
 * kind = 'DataplaneInsight'). A search that finds nothing of a lapsed instance
 * marks it, at the heartbeat it had, so the next search starts only when it
 * heartbeats and lapses again.
 */
import type { InstanceAbout, InstanceRecord, LeaseKey, LeftOpenSubscription, RegistrationLeases } from '../types.js';
import type { SqlDriver } from './driver.js';
import { writeLockStatement } from './migrations.js';

const heartbeatStatement = `insert into koguma_instances (id, heartbeat_at, started_at, about) values ($1, now(), now(), $2::text::json)
  on conflict (id) do update set heartbeat_at = now(), subscriptions_closed = false, about = $2::text::json`;

const instancesStatement = `select id, (extract(epoch from started_at) * 1000)::float8 as started_ms,
    (extract(epoch from heartbeat_at) * 1000)::float8 as seen_ms, about::text as about
  from koguma_instances order by id`;

/** The heartbeat in ms (a Date), and exactly (µs) to recognise it when marking. */
const instanceColumns = `id, (extract(epoch from heartbeat_at) * 1000)::float8 as seen_ms,
    (extract(epoch from heartbeat_at) * 1000000)::bigint::text as seen_us`;

/** Other instances silent for longer than `$2` ms whose subscriptions are not known closed. */
const lapsedStatement = `select ${instanceColumns} from koguma_instances
  where id <> $1 and not subscriptions_closed and heartbeat_at < now() - $2::float8 * interval '1 millisecond'`;

const ownStatement = `select ${instanceColumns} from koguma_instances where id = $1`;

/** Open subscriptions of the instances `$1`, at most `$2`; a spec without a subscription list has none. */
const openSubscriptionsStatement = `select r.mesh, r.name, s.value->>'controlPlaneInstanceId' as instance_id
  from koguma_resources r
  cross join lateral json_array_elements(
    case when json_typeof(r.spec->'subscriptions') = 'array' then r.spec->'subscriptions' else '[]'::json end) s
  where r.kind = 'DataplaneInsight'
    and json_typeof(s.value) = 'object'
    and s.value->'disconnectTime' is null
    and s.value->>'controlPlaneInstanceId' = any($1::text[])
  group by r.mesh, r.name, s.value->>'controlPlaneInstanceId'
  order by r.mesh, r.name, instance_id
  limit $2`;

/** Marks lapsed instances done, unless they heartbeat since they were read (`$2`: µs, per instance). */
const markClosedStatement = `update koguma_instances i set subscriptions_closed = true
  from unnest($1::text[], $2::text[]) as k(id, seen_us)
  where i.id = k.id and (extract(epoch from i.heartbeat_at) * 1000000)::bigint = k.seen_us::bigint`;

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

export function sqlLeases(
  driver: SqlDriver,
  schema: string,
  instanceId: string,
  about: () => InstanceAbout = () => ({}),
): RegistrationLeases {
  const beat = () => driver.query(heartbeatStatement, [instanceId, JSON.stringify(about())]);
  return {
    async hold(key, version) {
      await beat();
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
      await beat();
    },

    async instances() {
      const rows = await driver.query<{ id: string; started_ms: number; seen_ms: number; about: string | null }>(
        instancesStatement,
      );
      return rows.map((row): InstanceRecord => ({
        id: row.id,
        ...aboutOf(row.about),
        startTime: new Date(row.started_ms),
        lastHeartbeat: new Date(row.seen_ms),
      }));
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

    async leftOpen({ of, instanceTtlMs, limit }) {
      const instances =
        of === 'own'
          ? await driver.query<InstanceRow>(ownStatement, [instanceId])
          : await driver.query<InstanceRow>(lapsedStatement, [instanceId, instanceTtlMs]);
      const lastSeen = new Map(instances.map((row) => [row.id, new Date(row.seen_ms)]));
      const ids = of === 'own' ? [instanceId] : [...lastSeen.keys()];
      if (ids.length === 0) return [];
      const rows = await driver.query<{ mesh: string; name: string; instance_id: string }>(openSubscriptionsStatement, [
        ids,
        limit,
      ]);
      if (of === 'lapsed' && rows.length < limit) {
        const done = instances.filter((row) => !rows.some((found) => found.instance_id === row.id));
        if (done.length > 0)
          await driver.query(markClosedStatement, [done.map((row) => row.id), done.map((row) => row.seen_us)]);
      }
      return rows.map((row): LeftOpenSubscription => {
        const seen = lastSeen.get(row.instance_id);
        return {
          mesh: row.mesh,
          name: row.name,
          instanceId: row.instance_id,
          ...(seen === undefined ? {} : { lastSeen: seen }),
        };
      });
    },
  };
}

interface InstanceRow {
  readonly id: string;
  readonly seen_ms: number;
  readonly seen_us: string;
}

/** What an instance recorded of itself: only the known string fields, whatever the row holds. */
function aboutOf(text: string | null): InstanceAbout {
  let parsed: unknown;
  try {
    parsed = text === null ? undefined : JSON.parse(text);
  } catch {
    return {};
  }
  const out: Record<string, string> = {};
  for (const key of ['hostname', 'apiUrl', 'xdsUrl'])
    if (typeof (parsed as Record<string, unknown> | undefined)?.[key] === 'string')
      out[key] = (parsed as Record<string, string>)[key]!;
  return out;
}
