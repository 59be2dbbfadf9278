/**
 * Contract cases for `list`: each filter, their combination, the order (name,
 * then mesh), totals, and paging through a large kind.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ResourceDraft } from '../../src/api/index.js';
import type { ListPage, ListQuery, SpecCondition } from '../../src/store/index.js';
import { draftOf } from '../support/store-drafts.js';
import type { ContractContext } from './store-context.js';

const all = { offset: 0, limit: 1000 } as const;
const idsOf = (page: ListPage): string[] => page.items.map((r) => `${r.mesh}/${r.name}`);
const namesOf = (page: ListPage): string[] => page.items.map((r) => r.name);

export function listCases(ctx: ContractContext): void {
  const list = (query: ListQuery): Promise<ListPage> => ctx.store.list(query);

  it('lists one kind in one mesh, ordered by name', async () => {
    const mesh = ctx.unique('mesh');
    const other = ctx.unique('mesh');
    await ctx.store.createAll([
      draftOf('MeshTimeout', mesh, 'b'),
      draftOf('MeshTimeout', mesh, 'c'),
      draftOf('MeshTimeout', mesh, 'a'),
      draftOf('MeshRetry', mesh, 'a'),
      draftOf('MeshTimeout', other, 'a'),
    ]);
    const page = await list({ kind: 'MeshTimeout', mesh, ...all });
    assert.deepEqual(namesOf(page), ['a', 'b', 'c']);
    assert.equal(page.total, 3);
    assert.ok(page.items.every((r) => r.kind === 'MeshTimeout' && r.mesh === mesh));
  });

  it('lists a kind across meshes ordered by name, then mesh', async () => {
    const kind = ctx.unique('AcrossMeshes');
    const [m1, m2] = [`${ctx.unique('mesh')}-a`, `${ctx.unique('mesh')}-b`];
    await ctx.store.createAll([
      draftOf(kind, m2, 'x'),
      draftOf(kind, m1, 'y'),
      draftOf(kind, m1, 'x'),
      draftOf(kind, m2, 'a'),
    ]);
    const page = await list({ kind, ...all });
    assert.deepEqual(idsOf(page), [`${m2}/a`, `${m1}/x`, `${m2}/x`, `${m1}/y`]);
    assert.equal(page.total, 4);
  });

  it('lists a global kind with the empty mesh', async () => {
    const kind = ctx.unique('GlobalKind');
    await ctx.store.createAll([draftOf(kind, '', 'two'), draftOf(kind, '', 'one')]);
    assert.deepEqual(namesOf(await list({ kind, mesh: '', ...all })), ['one', 'two']);
  });

  it('filters by name substring, taking % and _ literally', async () => {
    const mesh = ctx.unique('mesh');
    const names = ['web_1', 'webx1', 'a%b', 'ab', 'api', 'backend'];
    await ctx.store.createAll(names.map((name) => draftOf('MeshTimeout', mesh, name)));
    const named = async (nameContains: string): Promise<string[]> =>
      namesOf(await list({ kind: 'MeshTimeout', mesh, nameContains, ...all }));
    assert.deepEqual(await named('_'), ['web_1']);
    assert.deepEqual(await named('%'), ['a%b']);
    assert.deepEqual(await named('web'), ['web_1', 'webx1']);
    assert.deepEqual(await named('b'), ['a%b', 'ab', 'backend', 'web_1', 'webx1']);
    assert.deepEqual(await named('nothing'), []);
  });

  it('filters by labels, keeping resources that have every given label', async () => {
    const mesh = ctx.unique('mesh');
    await ctx.store.createAll([
      draftOf('MeshTimeout', mesh, 'both', { labels: { team: 'a', env: 'prod' } }),
      draftOf('MeshTimeout', mesh, 'team-only', { labels: { team: 'a' } }),
      draftOf('MeshTimeout', mesh, 'other-team', { labels: { team: 'b', env: 'prod' } }),
      draftOf('MeshTimeout', mesh, 'none'),
    ]);
    const labelled = async (labels: Record<string, string>): Promise<string[]> =>
      namesOf(await list({ kind: 'MeshTimeout', mesh, labels, ...all }));
    assert.deepEqual(await labelled({ team: 'a' }), ['both', 'team-only']);
    assert.deepEqual(await labelled({ team: 'a', env: 'prod' }), ['both']);
    assert.deepEqual(await labelled({ env: 'prod' }), ['both', 'other-team']);
    assert.deepEqual(await labelled({ team: 'c' }), []);
  });

  it('filters by tags, keeping resources whose tag index has every given tag', async () => {
    const mesh = ctx.unique('mesh');
    const tagged = (name: string, tags: Record<string, string>): ResourceDraft =>
      draftOf('Dataplane', mesh, name, { spec: { tags } });
    await ctx.store.createAll([
      tagged('web-1', { 'kuma.io/service': 'web', version: 'v1' }),
      tagged('web-2', { 'kuma.io/service': 'web', version: 'v2' }),
      tagged('api-1', { 'kuma.io/service': 'api', version: 'v1' }),
    ]);
    const withTags = async (tags: string[]): Promise<string[]> =>
      namesOf(await list({ kind: 'Dataplane', mesh, tags, ...all }));
    assert.deepEqual(await withTags(['kuma.io/service=web']), ['web-1', 'web-2']);
    assert.deepEqual(await withTags(['kuma.io/service=web', 'version=v1']), ['web-1']);
    assert.deepEqual(await withTags(['version=v1']), ['api-1', 'web-1']);
    assert.deepEqual(await withTags(['kuma.io/service=db']), []);
  });

  it('filters by tag values containing a text, every selector matching some tag of its key', async () => {
    const mesh = ctx.unique('mesh');
    const tagged = (name: string, tags: Record<string, string>): ResourceDraft =>
      draftOf('Dataplane', mesh, name, { spec: { tags } });
    await ctx.store.createAll([
      tagged('dp-1', { service: 'backend', version: 'v1', column: 'tag:v' }),
      tagged('dp-2', { service: 'frontend', 'service.x': 'ck' }),
      tagged('dp-3', { service: '50%_off' }),
    ]);
    const containing = async (...pairs: [string, string][]): Promise<string[]> =>
      namesOf(
        await list({
          kind: 'Dataplane',
          mesh,
          tagsContaining: pairs.map(([key, contains]) => ({ key, contains })),
          ...all,
        }),
      );
    assert.deepEqual(await containing(['service', 'ck']), ['dp-1'], 'a substring of the value, of that key only');
    assert.deepEqual(await containing(['service', 'end'], ['version', 'v1']), ['dp-1']);
    assert.deepEqual(await containing(['service', 'end'], ['version', 'v2']), []);
    assert.deepEqual(await containing(['column', 'tag:v']), ['dp-1'], 'a colon in the value');
    assert.deepEqual(await containing(['service', '']), ['dp-1', 'dp-2', 'dp-3'], 'empty: any value');
    assert.deepEqual(await containing(['service', '%_']), ['dp-3'], '% and _ taken literally');
  });

  it('filters by conditions on the spec: present, absent, equal, not equal', async () => {
    const mesh = ctx.unique('mesh');
    const withSpec = (name: string, spec: Record<string, unknown>): ResourceDraft =>
      draftOf('Dataplane', mesh, name, { spec });
    await ctx.store.createAll([
      withSpec('plain', { networking: { address: '10.0.0.1' } }),
      withSpec('delegated', { networking: { gateway: { tags: { service: 'gw' } } } }),
      withSpec('builtin', { networking: { gateway: { type: 'BUILTIN', tags: { service: 'gw' } } } }),
      withSpec('nulled', { networking: { gateway: null } }),
    ]);
    const where = async (...spec: SpecCondition[]): Promise<string[]> =>
      namesOf(await list({ kind: 'Dataplane', mesh, spec, ...all }));
    const gateway = ['networking', 'gateway'];
    const type = [...gateway, 'type'];
    assert.deepEqual(await where({ path: gateway, present: true }), ['builtin', 'delegated']);
    assert.deepEqual(await where({ path: gateway, present: false }), ['nulled', 'plain'], 'JSON null is absent');
    assert.deepEqual(await where({ path: type, equals: 'BUILTIN' }), ['builtin']);
    assert.deepEqual(await where({ path: gateway, present: true }, { path: type, notEquals: 'BUILTIN' }), [
      'delegated',
    ]);
    assert.equal(
      (await list({ kind: 'Dataplane', mesh, spec: [{ path: gateway, present: true }], offset: 0, limit: 1 })).total,
      2,
    );
  });

  it('re-indexes tags on update', async () => {
    const mesh = ctx.unique('mesh');
    await ctx.store.create(draftOf('Dataplane', mesh, 'dp', { spec: { tags: { version: 'v1' } } }));
    await ctx.store.update(draftOf('Dataplane', mesh, 'dp', { spec: { tags: { version: 'v2' } } }), 1);
    assert.deepEqual(namesOf(await list({ kind: 'Dataplane', mesh, tags: ['version=v1'], ...all })), []);
    assert.deepEqual(namesOf(await list({ kind: 'Dataplane', mesh, tags: ['version=v2'], ...all })), ['dp']);
  });

  it('combines filters, and total counts every match, not only the page', async () => {
    const mesh = ctx.unique('mesh');
    await ctx.store.createAll([
      ...['web-a', 'web-b', 'web-c', 'web-d'].map((name) =>
        draftOf('MeshTimeout', mesh, name, { labels: { team: 'a' } }),
      ),
      draftOf('MeshTimeout', mesh, 'web-e', { labels: { team: 'b' } }),
      draftOf('MeshTimeout', mesh, 'api', { labels: { team: 'a' } }),
    ]);
    const page = await list({
      kind: 'MeshTimeout',
      mesh,
      nameContains: 'web',
      labels: { team: 'a' },
      offset: 1,
      limit: 2,
    });
    assert.deepEqual(namesOf(page), ['web-b', 'web-c']);
    assert.equal(page.total, 4);
  });

  it('a page past the end is empty and still reports the total', async () => {
    const mesh = ctx.unique('mesh');
    await ctx.store.createAll(['a', 'b', 'c'].map((name) => draftOf('MeshTimeout', mesh, name)));
    assert.deepEqual(await list({ kind: 'MeshTimeout', mesh, offset: 3, limit: 10 }), { total: 3, items: [] });
    assert.deepEqual(await list({ kind: 'MeshTimeout', mesh, offset: 50, limit: 10 }), { total: 3, items: [] });
    assert.deepEqual(await list({ kind: 'MeshTimeout', mesh: ctx.unique('empty'), offset: 0, limit: 10 }), {
      total: 0,
      items: [],
    });
  });

  it('10,000 resources paged 100 at a time come back each exactly once, in order, with the right total', async () => {
    // Two meshes holding the same names: paging must break name ties by mesh to be stable.
    const kind = ctx.unique('Paged');
    const meshes = [`${ctx.unique('mesh')}-a`, `${ctx.unique('mesh')}-b`];
    const drafts = meshes.flatMap((mesh) =>
      Array.from({ length: 5000 }, (_, i) => draftOf(kind, mesh, `r-${String(i).padStart(5, '0')}`)),
    );
    for (let start = 0; start < drafts.length; start += 1000) {
      await ctx.store.createAll(drafts.slice(start, start + 1000));
    }
    const seen: string[] = [];
    for (let offset = 0; offset < 10_000; offset += 100) {
      const page = await list({ kind, offset, limit: 100 });
      assert.equal(page.total, 10_000, `total at offset ${offset}`);
      assert.equal(page.items.length, 100, `page size at offset ${offset}`);
      seen.push(...idsOf(page));
    }
    assert.equal(new Set(seen).size, 10_000, 'each resource exactly once');
    const expected = drafts
      .map((d) => ({ name: d.name, id: `${d.mesh}/${d.name}` }))
      .sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1))
      .map((d) => d.id);
    assert.deepEqual(seen, expected);
    assert.deepEqual(await list({ kind, offset: 10_000, limit: 100 }), { total: 10_000, items: [] });
  });
}
