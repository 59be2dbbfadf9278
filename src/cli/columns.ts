/**
 * Which columns `koguma get` shows for a kind, and how each cell is read from
 * a resource document as the REST API returns it. The choice follows the kind
 * descriptor (scope, policy traits), so a new policy kind gets its columns
 * without touching this file.
 *
 *   every kind:   [MESH]  NAME  ...kind columns...  AGE
 *   Dataplane:    ADDRESS  SERVICES  TAGS
 *   Mesh:         MTLS
 *   policies:     TARGETREF  [TO]  [FROM]  [RULES]   (from the policy traits)
 */
import type { CliKind } from './kind-catalogue.js';
import { formatAge } from './age.js';

export type ResourceDocument = Readonly<Record<string, unknown>>;

export interface Column {
  readonly header: string;
  readonly cell: (document: ResourceDocument, now: Date) => string;
}

const SERVICE_TAG = 'kuma.io/service';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const recordAt = (value: unknown, key: string): Record<string, unknown> | undefined => {
  const inner = isRecord(value) ? value[key] : undefined;
  return isRecord(inner) ? inner : undefined;
};

const listAt = (value: unknown, key: string): unknown[] => {
  const inner = isRecord(value) ? value[key] : undefined;
  return Array.isArray(inner) ? inner : [];
};

const stringAt = (value: unknown, key: string): string | undefined => {
  const inner = isRecord(value) ? value[key] : undefined;
  return typeof inner === 'string' ? inner : undefined;
};

const pairs = (map: Record<string, unknown> | undefined, separator: string): string[] =>
  Object.entries(map ?? {}).map(([key, value]) => `${key}${separator}${String(value)}`);

/** The tag maps of a dataplane: one per inbound, or the gateway's. */
function dataplaneTagMaps(document: ResourceDocument): Record<string, unknown>[] {
  const networking = recordAt(document, 'networking');
  const maps = listAt(networking, 'inbound').map((inbound) => recordAt(inbound, 'tags') ?? {});
  const gateway = recordAt(networking, 'gateway');
  if (gateway) maps.push(recordAt(gateway, 'tags') ?? {});
  return maps;
}

/** Comma-joined `kuma.io/service` values, in inbound order, each once. */
export function dataplaneServices(document: ResourceDocument): string {
  const services = dataplaneTagMaps(document).flatMap((tags) => {
    const service = tags[SERVICE_TAG];
    return typeof service === 'string' ? [service] : [];
  });
  return [...new Set(services)].join(',');
}

/** Every other tag of the inbounds (or gateway) as `k=v`, each once, sorted. */
export function dataplaneOtherTags(document: ResourceDocument): string {
  const tags = dataplaneTagMaps(document).flatMap((map) =>
    pairs(Object.fromEntries(Object.entries(map).filter(([key]) => key !== SERVICE_TAG)), '='),
  );
  return [...new Set(tags)].sort().join(',');
}

/** The mesh's mTLS as `<type>/<backend>` (kumactl's form), or `off`. */
export function meshMtls(document: ResourceDocument): string {
  const mtls = recordAt(document, 'mtls');
  const enabled = stringAt(mtls, 'enabledBackend');
  if (enabled === undefined || enabled === '') return 'off';
  const backend = listAt(mtls, 'backends').find((b) => stringAt(b, 'name') === enabled);
  const type = stringAt(backend, 'type');
  return type === undefined ? enabled : `${type}/${enabled}`;
}

/**
 * A targetRef in one short word: `Mesh`, `MeshService/web`,
 * `MeshSubset{version=v1}`, `Dataplane{app=web}:http`. A missing top-level
 * targetRef means the whole mesh.
 */
export function describeTargetRef(ref: unknown): string {
  if (!isRecord(ref)) return 'Mesh';
  let text = stringAt(ref, 'kind') ?? '?';
  const name = stringAt(ref, 'name');
  if (name !== undefined) text += `/${name}`;
  const selectors = [...pairs(recordAt(ref, 'labels'), '='), ...pairs(recordAt(ref, 'tags'), '=')];
  if (selectors.length > 0) text += `{${selectors.join(',')}}`;
  const section = stringAt(ref, 'sectionName');
  if (section !== undefined) text += `:${section}`;
  return text;
}

const count = (section: string) => (document: ResourceDocument) =>
  String(listAt(recordAt(document, 'spec'), section).length);

function kindColumns(kind: CliKind): Column[] {
  if (kind.name === 'Dataplane') {
    return [
      { header: 'ADDRESS', cell: (d) => stringAt(recordAt(d, 'networking'), 'address') ?? '' },
      { header: 'SERVICES', cell: dataplaneServices },
      { header: 'TAGS', cell: dataplaneOtherTags },
    ];
  }
  if (kind.name === 'Mesh') return [{ header: 'MTLS', cell: meshMtls }];
  if (kind.policy) {
    const columns: Column[] = [
      { header: 'TARGETREF', cell: (d) => describeTargetRef(recordAt(d, 'spec')?.['targetRef']) },
    ];
    if (kind.policy.hasToTargetRef) columns.push({ header: 'TO', cell: count('to') });
    if (kind.policy.hasFromTargetRef) columns.push({ header: 'FROM', cell: count('from') });
    if (kind.policy.hasRulesTargetRef) columns.push({ header: 'RULES', cell: count('rules') });
    return columns;
  }
  return [];
}

/** The columns of a kind's table; MESH leads for mesh-scoped kinds. */
export function columnsFor(kind: CliKind): Column[] {
  return [
    ...(kind.scope === 'Mesh' ? [{ header: 'MESH', cell: (d: ResourceDocument) => stringAt(d, 'mesh') ?? '' }] : []),
    { header: 'NAME', cell: (d) => stringAt(d, 'name') ?? '' },
    ...kindColumns(kind),
    { header: 'AGE', cell: (d, now) => formatAge(stringAt(d, 'creationTime'), now) },
  ];
}

/** The rows of a table of documents of one kind. */
export function tableRows(columns: readonly Column[], documents: readonly ResourceDocument[], now: Date): string[][] {
  return documents.map((document) => columns.map((column) => column.cell(document, now)));
}
