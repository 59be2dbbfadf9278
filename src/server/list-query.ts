/**
 * List parameters of Kuma's API: `size` (1..1000, default 100), `offset`,
 * `name` (substring), `filter[labels.KEY]=VALUE`; for kinds with a tag index
 * `tag=KEY:VALUE` (repeatable, Kuma's fuzzy selector: a tag KEY whose value
 * contains VALUE; `*` or nothing after the colon: any value); for Dataplanes
 * `gateway=true|false|builtin|delegated` (case aside, as Kuma reads it).
 * Also builds the absolute `next` link.
 */
import { invalidInput, KogumaError, type InvalidParameter } from '../api/index.js';
import type { SpecCondition, TagContains } from '../store/index.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface ListParams {
  readonly size: number;
  readonly offset: number;
  readonly nameContains?: string;
  readonly labels?: Record<string, string>;
  readonly tagsContaining?: TagContains[];
  /** The gateway role asked for, as conditions on the Dataplane's spec. */
  readonly spec?: SpecCondition[];
}

const GATEWAY = ['networking', 'gateway'];
const GATEWAY_TYPE = [...GATEWAY, 'type'];

/** Kuma's `gateway=` modes; a gateway without a type is delegated (the type's default). */
const gatewayModes: Readonly<Record<string, SpecCondition[]>> = {
  true: [{ path: GATEWAY, present: true }],
  false: [{ path: GATEWAY, present: false }],
  builtin: [{ path: GATEWAY_TYPE, equals: 'BUILTIN' }],
  delegated: [
    { path: GATEWAY, present: true },
    { path: GATEWAY_TYPE, notEquals: 'BUILTIN' },
  ],
};

type Query = Readonly<Record<string, string | string[] | undefined>>;

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.at(-1) : value;

/** Kuma's checks and words: a size that is no number, or past the maximum, is an "Invalid page size". */
function pageSize(query: Query): number {
  const raw = single(query['size']);
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  const size = /^\d+$/.test(raw) ? Number(raw) : NaN;
  const reason = !Number.isSafeInteger(size)
    ? 'invalid format'
    : size > MAX_PAGE_SIZE
      ? `invalid page size of ${size}. Maximum page size is ${MAX_PAGE_SIZE}`
      : size < 1
        ? `invalid page size of ${size}. Minimum page size is 1`
        : undefined;
  if (reason !== undefined) throw invalidInput([{ field: 'size', reason }], 'Invalid page size');
  return size;
}

function pageOffset(query: Query): number {
  const raw = single(query['offset']);
  if (raw === undefined) return 0;
  const offset = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(offset))
    // Kuma's very words, those of Go's integer parser.
    throw new KogumaError(
      'InvalidInput',
      `invalid: invalid offset: strconv.Atoi: parsing ${JSON.stringify(raw)}: ${/^-?\d+$/.test(raw) ? 'value out of range' : 'invalid syntax'}`,
    );
  return offset;
}

const LABEL_FILTER = /^filter\[labels\.([^[\]]+)\]$/;

export interface ListFilters {
  /** `tag=` (kinds with a tag index). */
  readonly tags?: boolean;
  /** `gateway=` (Dataplanes). */
  readonly gateway?: boolean;
  /**
   * The list's path as Kuma names it in errors (`/meshes/{mesh}/dataplanes`):
   * a `filter[...]` parameter other than `filter[labels.KEY]` is refused under it.
   */
  readonly route?: string;
}

export function parseListParams(query: Query, filters: ListFilters = {}): ListParams {
  const route = filters.route ?? '';
  const size = pageSize(query);
  const offset = pageOffset(query);
  const issues: InvalidParameter[] = [];

  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!key.startsWith('filter[')) continue;
    const match = LABEL_FILTER.exec(key);
    if (match?.[1] === undefined)
      issues.push({ field: `${route}.${key}`, reason: 'advanced filters are not supported' });
    else if (value !== undefined) labels[match[1]] = single(value) ?? '';
  }

  const tagsContaining: TagContains[] = [];
  const rawTags = query['tag'];
  if (rawTags !== undefined) {
    if (filters.tags !== true) issues.push({ field: 'tag', reason: 'is only supported when listing dataplanes' });
    for (const raw of Array.isArray(rawTags) ? rawTags : [rawTags]) {
      // The first colon ends the key: a value may hold colons.
      const colon = raw.indexOf(':');
      if (colon <= 0) issues.push({ field: 'tag', reason: `"${raw}" must be KEY:VALUE` });
      else {
        const value = raw.slice(colon + 1);
        tagsContaining.push({ key: raw.slice(0, colon), contains: value === '*' ? '' : value });
      }
    }
  }

  const gateway = filters.gateway === true ? single(query['gateway'])?.toLowerCase() : undefined;
  const spec =
    gateway === undefined || gateway === '' || !Object.hasOwn(gatewayModes, gateway)
      ? undefined
      : gatewayModes[gateway];
  if (gateway !== undefined && gateway !== '' && spec === undefined)
    issues.push({
      field: route === '' ? 'gateway' : `${route}.gateway`,
      reason: `must be one of true, false, builtin, delegated, not "${gateway}"`,
    });
  if (issues.length > 0) throw invalidInput(issues);

  const name = single(query['name']);
  return {
    size,
    offset,
    ...(name !== undefined && name !== '' ? { nameContains: name } : {}),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(tagsContaining.length > 0 ? { tagsContaining } : {}),
    ...(spec !== undefined ? { spec } : {}),
  };
}

/** The store's filters of a list (everything but the page). */
export const listFiltersOf = (params: ListParams) => ({
  ...(params.nameContains !== undefined ? { nameContains: params.nameContains } : {}),
  ...(params.labels !== undefined ? { labels: params.labels } : {}),
  ...(params.tagsContaining !== undefined ? { tagsContaining: params.tagsContaining } : {}),
  ...(params.spec !== undefined ? { spec: params.spec } : {}),
});

/** The absolute URL of the next page, or null on the last page. */
export function nextPageUrl(
  base: string,
  path: string,
  query: Query,
  params: ListParams,
  total: number,
): string | null {
  const nextOffset = params.offset + params.size;
  if (nextOffset >= total) return null;
  // Kuma orders the next link's parameters by name.
  const entries: [string, string][] = [];
  for (const [key, value] of Object.entries(query)) {
    if (key === 'offset' || key === 'size' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) entries.push([key, v]);
  }
  entries.push(['offset', String(nextOffset)], ['size', String(params.size)]);
  const search = new URLSearchParams(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${base}${path}?${search.toString()}`;
}
