/**
 * Contract cases for the change log: every change carries a position that
 * grows in commit order, `head` names the newest, `delivered` waits for it,
 * and where instances share a database they all see one and the same order,
 * even when they write at the same time.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ChangeEvent, StoreEvent } from '../../src/store/index.js';
import { draftOf } from '../support/store-drafts.js';
import { recordEvents } from '../support/store-events.js';
import type { ContractContext } from './store-context.js';

const inMesh =
  (mesh: string) =>
  (event: ChangeEvent): boolean =>
    event.mesh === mesh;
const positions = (events: readonly StoreEvent[]): number[] => events.map((event) => event.seq);
const increasing = (values: readonly number[]): boolean =>
  values.every((value, i) => i === 0 || value > values[i - 1]!);

export function changeLogCases(ctx: ContractContext): void {
  it('every change carries a larger position than the one before; head is the newest', async () => {
    const mesh = ctx.unique('mesh');
    const recorder = recordEvents(ctx.store, inMesh(mesh));
    const before = await ctx.store.head();
    await ctx.store.create(draftOf('MeshTimeout', mesh, 'a'));
    await ctx.store.createAll([draftOf('MeshTimeout', mesh, 'b'), draftOf('MeshTimeout', mesh, 'c')]);
    await ctx.store.update(draftOf('MeshTimeout', mesh, 'a'), 1);
    await ctx.store.delete({ kind: 'MeshTimeout', mesh, name: 'b' });
    await recorder.received(5);
    const seen = positions(recorder.withSeq);
    assert.equal(seen.length, 5);
    assert.ok(increasing(seen), `positions grow: ${seen.join(', ')}`);
    assert.ok(seen[0]! > before, 'the first is after the head read before it');
    assert.equal(await ctx.store.head(), seen[4], 'head is the newest change');
    recorder.stop();
  });

  it('delivered(position) resolves once that change has reached the listeners', async () => {
    const mesh = ctx.unique('mesh');
    const recorder = recordEvents(ctx.store, inMesh(mesh));
    await ctx.store.create(draftOf('MeshTimeout', mesh, 'a'));
    await ctx.store.delivered(await ctx.store.head());
    assert.deepEqual(
      recorder.events.map((event) => event.name),
      ['a'],
      'delivered before delivered() resolved',
    );
    await ctx.store.delivered(0);
    recorder.stop();
  });

  if (ctx.traits.sharedByInstances) {
    it('instances writing at once all hear one order, the same everywhere, and no change is missing', async () => {
      const mesh = ctx.unique('mesh');
      const peer = await ctx.peer();
      const here = recordEvents(ctx.store, inMesh(mesh));
      const there = recordEvents(peer, inMesh(mesh));
      const names = Array.from({ length: 20 }, (_, i) => `t${i}`);
      await Promise.all(
        names.map((name, i) => (i % 2 === 0 ? ctx.store : peer).create(draftOf('MeshTimeout', mesh, name))),
      );
      await Promise.all(
        names.map((name, i) => (i % 2 === 0 ? peer : ctx.store).update(draftOf('MeshTimeout', mesh, name), 1)),
      );
      await here.received(40);
      await there.received(40);
      assert.ok(increasing(positions(here.withSeq)), 'in position order here');
      assert.deepEqual(
        here.withSeq.map((event) => (event.op === 'resync' ? 'resync' : `${event.seq}:${event.name}:${event.op}`)),
        there.withSeq.map((event) => (event.op === 'resync' ? 'resync' : `${event.seq}:${event.name}:${event.op}`)),
        'both instances heard the same changes in the same order',
      );
      for (const name of names) {
        const ops = here.events.filter((event) => event.name === name).map((event) => event.op);
        assert.deepEqual(ops, ['created', 'updated'], `${name}: created, then updated`);
      }
      here.stop();
      there.stop();
    });
  }
}
