/**
 * List filters of `koguma get`, turned into the REST API's query parameters:
 *
 *   --label k=v        ─► filter[labels.k]=v   (exact, all must match)
 *   --name-contains s  ─► name=s               (substring)
 *   --tag k:v          ─► tag=k:v              (dataplanes: inbound or gateway tags)
 */
import { CliError } from './errors.js';

export interface ListFilters {
  readonly labels: readonly string[];
  readonly tags: readonly string[];
  readonly nameContains?: string;
}

/** Splits `key<sep>value` at the first separator; both sides must be non-empty. */
export function splitPair(raw: string, separator: string, option: string): [string, string] {
  const at = raw.indexOf(separator);
  if (at <= 0 || at === raw.length - 1)
    throw new CliError(`${option} ${JSON.stringify(raw)}: expected key${separator}value`);
  return [raw.slice(0, at), raw.slice(at + 1)];
}

export function hasFilters(filters: ListFilters): boolean {
  return filters.labels.length > 0 || filters.tags.length > 0 || filters.nameContains !== undefined;
}

export function listQuery(filters: ListFilters): URLSearchParams {
  const query = new URLSearchParams();
  for (const raw of filters.labels) {
    const [key, value] = splitPair(raw, '=', '--label');
    query.append(`filter[labels.${key}]`, value);
  }
  if (filters.nameContains !== undefined) query.set('name', filters.nameContains);
  for (const raw of filters.tags) {
    const [key, value] = splitPair(raw, ':', '--tag');
    query.append('tag', `${key}:${value}`);
  }
  return query;
}

/** commander argParser for repeatable options. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
