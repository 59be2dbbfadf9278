/**
 * Every resource a query matches, read from a store page by page: what a
 * component that keeps its own index (the mesh engine) loads at start and on
 * resync. One page of the store's answer is held at a time; paging stays in
 * the store (ResourceStore.list), as its contract asks.
 */
import type { Resource } from '../api/index.js';
import type { ListQuery, ResourceStore } from './types.js';

/** A list query without paging: `listAll` pages by itself. */
export type ListAllQuery = Omit<ListQuery, 'offset' | 'limit'>;

/** Resources per store read: a kind of thousands loads in a few reads, each of bounded size. */
export const LIST_ALL_PAGE = 1000;

export async function* listAll(
  store: Pick<ResourceStore, 'list'>,
  query: ListAllQuery,
  pageSize = LIST_ALL_PAGE,
): AsyncGenerator<Resource> {
  for (let offset = 0; ; offset += pageSize) {
    const page = await store.list({ ...query, offset, limit: pageSize });
    yield* page.items;
    if (offset + pageSize >= page.total) return;
  }
}
