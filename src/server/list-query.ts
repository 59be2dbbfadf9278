/**
 * List parameters of Kuma's API: `size` (1..1000, default 100), `offset`,
 * `name` (substring), `filter[labels.KEY]=VALUE`, and for kinds with a tag
 * index `tag=KEY:VALUE` (repeatable). Also builds the absolute `next` link.
 */
import { invalidInput, type InvalidParameter } from '../api/index.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface ListParams {
  readonly size: number;
  readonly offset: number;
  readonly nameContains?: string;
  readonly labels?: Record<string, string>;
  readonly tags?: string[];
}

type Query = Readonly<Record<string, string | string[] | undefined>>;

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.at(-1) : value;

function integerParam(
  query: Query,
  field: string,
  min: number,
  max: number,
  fallback: number,
  issues: InvalidParameter[],
): number {
  const raw = single(query[field]);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    issues.push({
      field,
      reason:
        max === Number.MAX_SAFE_INTEGER
          ? `must be an integer of at least ${min}`
          : `must be an integer between ${min} and ${max}`,
    });
  }
  return value;
}

const LABEL_FILTER = /^filter\[labels\.(.+)\]$/;

export function parseListParams(query: Query, supportsTags: boolean): ListParams {
  const issues: InvalidParameter[] = [];
  const size = integerParam(query, 'size', 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, issues);
  const offset = integerParam(query, 'offset', 0, Number.MAX_SAFE_INTEGER, 0, issues);

  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    const match = LABEL_FILTER.exec(key);
    if (match?.[1] !== undefined && value !== undefined) labels[match[1]] = single(value) ?? '';
  }

  const tags: string[] = [];
  const rawTags = query['tag'];
  if (rawTags !== undefined) {
    if (!supportsTags) issues.push({ field: 'tag', reason: 'is only supported when listing dataplanes' });
    for (const raw of Array.isArray(rawTags) ? rawTags : [rawTags]) {
      const colon = raw.indexOf(':');
      if (colon <= 0 || colon === raw.length - 1) issues.push({ field: 'tag', reason: `"${raw}" must be KEY:VALUE` });
      else tags.push(`${raw.slice(0, colon)}=${raw.slice(colon + 1)}`);
    }
  }
  if (issues.length > 0) throw invalidInput(issues, 'invalid list parameters');

  const name = single(query['name']);
  return {
    size,
    offset,
    ...(name !== undefined && name !== '' ? { nameContains: name } : {}),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(tags.length > 0 ? { tags } : {}),
  };
}

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
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (key === 'offset' || key === 'size' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  }
  search.set('size', String(params.size));
  search.set('offset', String(nextOffset));
  return `${base}${path}?${search.toString()}`;
}
