import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from '../api/resource.js';
import { listAll } from './list-all.js';
import { createMemoryStore } from './memory.js';
import type { ListQuery } from './types.js';

const draft = (mesh: string, name: string) => ({ kind: 'MeshTimeout', mesh, name, labels: {}, spec: {} });
const collect = async (resources: AsyncIterable<Resource>): Promise<string[]> => {
  const seen: string[] = [];
  for await (const resource of resources) seen.push(`${resource.mesh}/${resource.name}`);
  return seen;
};

describe('listAll', () => {
  it('reads every page once, in the store order, and stops at the last', async () => {
    const store = createMemoryStore();
    await store.createAll(Array.from({ length: 7 }, (_, i) => draft('default', `r-${i}`)));
    const queries: ListQuery[] = [];
    const counting = { list: (query: ListQuery) => (queries.push(query), store.list(query)) };
    const seen = await collect(listAll(counting, { kind: 'MeshTimeout' }, 3));
    assert.deepEqual(
      seen,
      Array.from({ length: 7 }, (_, i) => `default/r-${i}`),
    );
    assert.deepEqual(
      queries.map((q) => [q.offset, q.limit]),
      [
        [0, 3],
        [3, 3],
        [6, 3],
      ],
    );
  });

  it('reads one page when everything fits in it, and ends on an empty kind', async () => {
    const store = createMemoryStore();
    await store.createAll([draft('default', 'a'), draft('default', 'b')]);
    let reads = 0;
    const counting = { list: (query: ListQuery) => (reads++, store.list(query)) };
    assert.deepEqual(await collect(listAll(counting, { kind: 'MeshTimeout' }, 2)), ['default/a', 'default/b']);
    assert.equal(reads, 1);
    assert.deepEqual(await collect(listAll(store, { kind: 'Nothing' })), []);
  });

  it('passes the filters through to every page', async () => {
    const store = createMemoryStore();
    await store.createAll([draft('one', 'a'), draft('two', 'a'), draft('one', 'b'), draft('one', 'c')]);
    assert.deepEqual(await collect(listAll(store, { kind: 'MeshTimeout', mesh: 'one' }, 1)), [
      'one/a',
      'one/b',
      'one/c',
    ]);
  });
});
