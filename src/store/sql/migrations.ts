/**
 * The schema, as an ordered list of versioned migrations. Both drivers run these
 * same statements (PGlite is PostgreSQL), applied by migrate.ts. A released
 * migration is never edited: a change is a new entry with the next version.
 *
 * Choices worth knowing:
 * - Identity columns use `collate "C"` so every index, `order by name, mesh` and
 *   the memory store agree on byte order whatever the server's locale is.
 * - (kind, mesh, name) is the key: listing one kind in one mesh is a range of the
 *   primary key; `(kind, name, mesh)` serves listing a kind across meshes in the
 *   contract's order. There is no index led by `mesh`: only a Mesh deletion's
 *   cascade filters on it alone, which is rare enough for a scan.
 * - GIN indexes answer the containment filters (`labels @>`, `tags @>`).
 * - `spec` and `status` are `json`, not `jsonb`: they are never queried in SQL,
 *   and `json` keeps the document as written, so a resource reads back with
 *   its fields in the user's order (`jsonb` would sort them).
 * - A row trigger announces every committed change with NOTIFY, so instances
 *   sharing the database hear each other, cascaded rows included. The payload
 *   carries the table's schema because NOTIFY channels are database-wide: two
 *   deployments in two schemas of one database must not hear each other.
 * - From version 2 the trigger also appends every change to `koguma_changes`,
 *   numbered from a sequence while holding a transaction-scoped advisory lock
 *   (the store takes the same lock first in every write transaction). Writers
 *   are thus serialized from their first change to their commit, so positions
 *   are handed out in commit order: once position n is visible, every smaller
 *   position is final (committed, or rolled back and never coming). That is
 *   what lets an instance read "everything after n" without missing a change
 *   that committed late. NOTIFY then carries the position too.
 * - Registration leases (`koguma_instances`, `koguma_leases`) say which
 *   instance serves the proxy of each self-registered Dataplane (sql-leases.ts).
 * - From version 3 an instance row also says whether a lapsed instance's
 *   subscriptions are all closed (`subscriptions_closed`, reset by its next
 *   heartbeat), so the live instances search the insight records for what a
 *   dead one left open once, not on every tick.
 * - From version 4 an instance row says when the instance started and what
 *   it says of itself (hostname, API and DP server URLs), for operators.
 */

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** One statement per entry (the extended protocol runs one statement at a time). */
  readonly statements: readonly string[];
}

/** The NOTIFY channel the trigger below announces changes on. */
export const changeChannel = 'koguma_resources';

/**
 * The advisory lock every write transaction holds from its first statement to
 * its commit; `$1` is the tables' schema (so deployments in other schemas do
 * not wait on it). The trigger takes the very same lock.
 */
export const writeLockStatement = `select pg_advisory_xact_lock(hashtext($1::text || '.koguma_changes'))`;

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'resources, meta and change notification',
    statements: [
      `create table koguma_resources (
        kind text collate "C" not null,
        mesh text collate "C" not null,
        name text collate "C" not null,
        version bigint not null,
        labels jsonb not null,
        spec json not null,
        status json null,
        tags text[] not null,
        creation_time timestamptz not null,
        modification_time timestamptz not null,
        primary key (kind, mesh, name)
      )`,
      `create index koguma_resources_by_kind_name on koguma_resources (kind, name, mesh)`,
      `create index koguma_resources_labels on koguma_resources using gin (labels jsonb_path_ops)`,
      `create index koguma_resources_tags on koguma_resources using gin (tags)`,
      `create table koguma_meta (key text primary key, value text not null)`,
      `create function koguma_notify_resource_change() returns trigger language plpgsql as $$
      declare
        changed koguma_resources;
      begin
        if tg_op = 'DELETE' then changed := old; else changed := new; end if;
        perform pg_notify('${changeChannel}', json_build_object(
          'schema', tg_table_schema,
          'kind', changed.kind,
          'mesh', changed.mesh,
          'name', changed.name,
          'op', case tg_op when 'INSERT' then 'created' when 'UPDATE' then 'updated' else 'deleted' end,
          'version', changed.version
        )::text);
        return null;
      end
      $$`,
      `create trigger koguma_resources_notify
        after insert or update or delete on koguma_resources
        for each row execute function koguma_notify_resource_change()`,
    ],
  },
  {
    version: 2,
    name: 'ordered change log and registration leases',
    statements: [
      `create sequence koguma_change_seq`,
      `create table koguma_changes (
        seq bigint primary key,
        kind text collate "C" not null,
        mesh text collate "C" not null,
        name text collate "C" not null,
        op text not null,
        version bigint not null,
        committed_at timestamptz not null default now()
      )`,
      `create or replace function koguma_notify_resource_change() returns trigger language plpgsql as $$
      declare
        changed koguma_resources;
        operation text;
        position bigint;
      begin
        if tg_op = 'DELETE' then changed := old; else changed := new; end if;
        operation := case tg_op when 'INSERT' then 'created' when 'UPDATE' then 'updated' else 'deleted' end;
        perform pg_advisory_xact_lock(hashtext(tg_table_schema || '.koguma_changes'));
        position := nextval('koguma_change_seq');
        insert into koguma_changes (seq, kind, mesh, name, op, version)
          values (position, changed.kind, changed.mesh, changed.name, operation, changed.version);
        perform pg_notify('${changeChannel}', json_build_object(
          'schema', tg_table_schema,
          'seq', position,
          'kind', changed.kind,
          'mesh', changed.mesh,
          'name', changed.name,
          'op', operation,
          'version', changed.version
        )::text);
        return null;
      end
      $$`,
      `create table koguma_instances (
        id text primary key,
        heartbeat_at timestamptz not null
      )`,
      `create table koguma_leases (
        mesh text collate "C" not null,
        name text collate "C" not null,
        instance_id text not null,
        version bigint not null,
        released_at timestamptz null,
        primary key (mesh, name)
      )`,
    ],
  },
  {
    version: 3,
    name: 'subscriptions of lapsed instances',
    statements: [`alter table koguma_instances add column subscriptions_closed boolean not null default false`],
  },
  {
    version: 4,
    name: 'instance start time and description',
    statements: [
      `alter table koguma_instances add column started_at timestamptz not null default now()`,
      `alter table koguma_instances add column about json null`,
    ],
  },
];
