/**
 * Builds the SQL of `ResourceStore.list`. Only the filters a query uses become
 * conditions, so each combination is its own simple statement the planner can
 * serve from an index (a generic `($2 is null or mesh = $2)` form would defeat
 * the indexes once a prepared statement switches to a generic plan).
 *
 * - name substring: `position(...) > 0`, so `%` and `_` in names are plain
 *   characters (no LIKE escaping to get wrong);
 * - labels and tags: containment (`@>`), answered by the GIN indexes; a tag
 *   whose value contains a text (Kuma's fuzzy selector) and conditions on the
 *   spec's JSON (`#>>`) are checked row by row within what the rest selects;
 * - order: name, then mesh (the columns are `collate "C"`, byte order).
 */
import type { ListQuery } from '../types.js';
import type { SqlParam } from './driver.js';
import { resourceColumns } from './rows.js';

export interface Statement {
  readonly text: string;
  readonly params: readonly SqlParam[];
}

function whereOf(query: ListQuery): { where: string; params: SqlParam[] } {
  const params: SqlParam[] = [query.kind];
  const conditions = ['kind = $1'];
  const add = (condition: (placeholder: string) => string, value: SqlParam): void => {
    params.push(value);
    conditions.push(condition(`$${params.length}`));
  };
  if (query.mesh !== undefined) add((p) => `mesh = ${p}`, query.mesh);
  if (query.nameContains) add((p) => `position(${p}::text in name) > 0`, query.nameContains);
  if (query.names !== undefined) add((p) => `name = any(${p}::text[])`, [...query.names]);
  if (query.labels && Object.keys(query.labels).length > 0) {
    add((p) => `labels @> ${p}::text::jsonb`, JSON.stringify(query.labels));
  }
  if (query.tags && query.tags.length > 0) add((p) => `tags @> ${p}::text[]`, query.tags);
  for (const { key, contains } of query.tagsContaining ?? []) {
    params.push(`${key}=`, contains);
    const [k, v] = [`$${params.length - 1}`, `$${params.length}`];
    conditions.push(
      `exists (select 1 from unnest(tags) t where left(t, length(${k}::text)) = ${k}::text and position(${v}::text in substr(t, length(${k}::text) + 1)) > 0)`,
    );
  }
  for (const condition of query.spec ?? []) {
    params.push([...condition.path]);
    const at = `spec #>> $${params.length}::text[]`;
    if ('present' in condition) conditions.push(`(${at}) is ${condition.present ? 'not ' : ''}null`);
    else if ('equals' in condition) add((p) => `(${at}) = ${p}::text`, condition.equals);
    else add((p) => `(${at}) is distinct from ${p}::text`, condition.notEquals);
  }
  return { where: conditions.join(' and '), params };
}

/** One page, each row carrying the count of all matches (`total`). */
export function pageStatement(query: ListQuery): Statement {
  const { where, params } = whereOf(query);
  const limit = `$${params.length + 1}`;
  const offset = `$${params.length + 2}`;
  return {
    text: `select ${resourceColumns}, count(*) over () as total from koguma_resources
      where ${where} order by name, mesh limit ${limit} offset ${offset}`,
    params: [...params, query.limit, query.offset],
  };
}

/** The count alone, for an empty page (past the end), which carries no `total` column. */
export function countStatement(query: ListQuery): Statement {
  const { where, params } = whereOf(query);
  return { text: `select count(*) as total from koguma_resources where ${where}`, params };
}
