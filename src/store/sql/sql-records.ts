/**
 * `writeRecords` in SQL (the rules: owned-records.ts). One write transaction:
 * read the batch's stored records and their owners, merge in the caller,
 * then one upsert for every record that changed. The change-log lock held
 * from the first statement makes the merge see the last writer's record, so
 * two instances writing one proxy's insight (it moved between them) never
 * lose each other's part. The row trigger announces every written row.
 */
import type { ResourceDraft } from '../../api/index.js';
import { ownerKindFor, type RecordKey, type RecordMerge } from '../owned-records.js';
import type { TagIndexer } from '../types.js';
import type { SqlQueryable } from './driver.js';
import { insertDocumentOf, resourceColumns, resourceOf, type ResourceRow } from './rows.js';

const readStatement = `select ${resourceColumns} from koguma_resources
  where kind in ($1, $2) and (mesh, name) in (select m, n from unnest($3::text[], $4::text[]) as k(m, n))`;

const upsertStatement = `insert into koguma_resources
    (kind, mesh, name, version, labels, spec, status, tags, creation_time, modification_time)
  select d->>'kind', d->>'mesh', d->>'name', 1, (d->'labels')::jsonb, d->'spec', null,
    array(select json_array_elements_text(d->'tags')), now(), now()
  from json_array_elements($1::text::json) as d
  on conflict (kind, mesh, name) do update
    set version = koguma_resources.version + 1, labels = excluded.labels, spec = excluded.spec,
      tags = excluded.tags, modification_time = now()`;

const slotOf = (key: RecordKey): string => `${key.mesh}\u0000${key.name}`;

export async function writeRecords(
  tx: SqlQueryable,
  indexTags: TagIndexer,
  kind: string,
  keys: readonly RecordKey[],
  merge: RecordMerge,
): Promise<number> {
  const ownerKind = ownerKindFor(kind);
  const unique = new Map(keys.map((key) => [slotOf(key), { mesh: key.mesh, name: key.name }]));
  if (unique.size === 0) return 0;
  const batch = [...unique.values()];
  const rows = await tx.query<ResourceRow>(readStatement, [
    kind,
    ownerKind,
    batch.map((key) => key.mesh),
    batch.map((key) => key.name),
  ]);
  const owners = new Set<string>();
  const stored = new Map<string, ResourceRow>();
  for (const row of rows) {
    if (row.kind === ownerKind) owners.add(slotOf(row));
    else stored.set(slotOf(row), row);
  }
  const documents: object[] = [];
  for (const key of batch) {
    if (!owners.has(slotOf(key))) continue;
    const row = stored.get(slotOf(key));
    const content = merge(row && resourceOf(row), key);
    if (content === undefined) continue;
    const draft: ResourceDraft = { kind, ...key, labels: content.labels ?? {}, spec: content.spec };
    documents.push(insertDocumentOf(draft, indexTags));
  }
  if (documents.length > 0) await tx.query(upsertStatement, [JSON.stringify(documents)]);
  return documents.length;
}
