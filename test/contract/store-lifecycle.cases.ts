/**
 * Contract cases for what outlives one store instance: the cluster id, and for
 * persistent stores every resource across close and reopen.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { draftOf, meshDraft } from '../support/store-drafts.js';
import type { ContractContext } from './store-context.js';

export function lifecycleCases(ctx: ContractContext): void {
  it('clusterId is the same on every call', async () => {
    const id = await ctx.store.clusterId();
    assert.match(id, /\S/);
    assert.equal(await ctx.store.clusterId(), id);
    assert.equal(await (await ctx.peer()).clusterId(), id, 'and on every instance of the database');
  });

  it('describes itself', () => {
    assert.match(ctx.store.description, /\S/);
  });

  if (ctx.traits.persistent) {
    it('after close and reopen every resource, version and the cluster id are still there', async () => {
      const mesh = ctx.unique('mesh');
      const clusterId = await ctx.store.clusterId();
      await ctx.store.create(meshDraft(mesh));
      const drafts = Array.from({ length: 50 }, (_, i) =>
        draftOf('MeshTimeout', mesh, `t-${i}`, { labels: { i: `${i}` }, status: { index: i } }),
      );
      await ctx.store.createAll(drafts);
      const updated = await ctx.store.update(draftOf('MeshTimeout', mesh, 't-0', { labels: { i: 'updated' } }), 1);
      const before = await ctx.store.list({ kind: 'MeshTimeout', mesh, offset: 0, limit: 100 });

      const reopened = await ctx.reopen();

      assert.deepEqual(await reopened.list({ kind: 'MeshTimeout', mesh, offset: 0, limit: 100 }), before);
      assert.deepEqual(await reopened.get(updated), updated);
      assert.ok(await reopened.get(meshDraft(mesh)));
      assert.equal(await reopened.clusterId(), clusterId);
      assert.equal((await reopened.update(draftOf('MeshTimeout', mesh, 't-0'), 2)).version, 3, 'versions carry on');
    });
  }
}
