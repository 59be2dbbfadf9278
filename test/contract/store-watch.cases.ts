/**
 * Contract cases for `watch`: one event per committed change per resource,
 * with the version written (or, for a deletion, the last version stored);
 * nothing for a write that failed; and, where instances share a database,
 * every instance hears every instance's writes.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ChangeEvent } from '../../src/store/index.js';
import { draftOf, meshDraft } from '../support/store-drafts.js';
import { recordEvents, storeSettled, type RecordedEvent } from '../support/store-events.js';
import { rejectsWith, type ContractContext } from './store-context.js';

const inMesh =
  (mesh: string) =>
  (event: ChangeEvent): boolean =>
    event.mesh === mesh || (event.kind === 'Mesh' && event.name === mesh);

const sorted = (events: readonly RecordedEvent[]): RecordedEvent[] =>
  [...events].sort((a, b) => (`${a.kind}/${a.name}` < `${b.kind}/${b.name}` ? -1 : 1));

export function watchCases(ctx: ContractContext): void {
  it('watch receives created, updated and deleted events with their versions, in order', async () => {
    const mesh = ctx.unique('mesh');
    const recorder = recordEvents(ctx.store, inMesh(mesh));
    await ctx.store.create(draftOf('MeshTimeout', mesh, 't'));
    await ctx.store.update(draftOf('MeshTimeout', mesh, 't'), 1);
    await ctx.store.update(draftOf('MeshTimeout', mesh, 't'), 2);
    await ctx.store.delete({ kind: 'MeshTimeout', mesh, name: 't' });
    const key = { kind: 'MeshTimeout', mesh, name: 't' };
    assert.deepEqual(await recorder.received(4), [
      { ...key, op: 'created', version: 1 },
      { ...key, op: 'updated', version: 2 },
      { ...key, op: 'updated', version: 3 },
      { ...key, op: 'deleted', version: 3 },
    ]);
    recorder.stop();
  });

  it('events arrive after the write has returned, not during it', async () => {
    const mesh = ctx.unique('mesh');
    const recorder = recordEvents(ctx.store, inMesh(mesh));
    const write = ctx.store.create(draftOf('MeshTimeout', mesh, 't'));
    assert.equal(recorder.events.length, 0, 'nothing is announced synchronously');
    await write;
    await recorder.received(1);
    recorder.stop();
  });

  it('createAll announces one created event per resource', async () => {
    const mesh = ctx.unique('mesh');
    const recorder = recordEvents(ctx.store, inMesh(mesh));
    await ctx.store.createAll(['a', 'b', 'c'].map((name) => draftOf('MeshRetry', mesh, name)));
    const events = await recorder.received(3);
    assert.deepEqual(
      sorted(events).map((e) => [e.name, e.op, e.version]),
      [
        ['a', 'created', 1],
        ['b', 'created', 1],
        ['c', 'created', 1],
      ],
    );
    recorder.stop();
  });

  it('a Mesh deletion announces one deleted event for the mesh and for each resource in it', async () => {
    const mesh = ctx.unique('mesh');
    await ctx.store.create(meshDraft(mesh));
    await ctx.store.createAll([
      draftOf('MeshTimeout', mesh, 'a'),
      draftOf('MeshRetry', mesh, 'b'),
      draftOf('Dataplane', mesh, 'dp'),
    ]);
    await ctx.store.update(draftOf('MeshRetry', mesh, 'b'), 1);
    await storeSettled(ctx.store); // the creation events pass before recording
    const recorder = recordEvents(ctx.store, inMesh(mesh));
    await ctx.store.delete({ kind: 'Mesh', mesh: '', name: mesh });
    assert.deepEqual(sorted(await recorder.received(4)), [
      { kind: 'Dataplane', mesh, name: 'dp', op: 'deleted', version: 1 },
      { kind: 'Mesh', mesh: '', name: mesh, op: 'deleted', version: 1 },
      { kind: 'MeshRetry', mesh, name: 'b', op: 'deleted', version: 2 },
      { kind: 'MeshTimeout', mesh, name: 'a', op: 'deleted', version: 1 },
    ]);
    recorder.stop();
  });

  it('failed writes announce nothing', async () => {
    const mesh = ctx.unique('mesh');
    await ctx.store.create(draftOf('MeshTimeout', mesh, 'taken'));
    await storeSettled(ctx.store);
    const recorder = recordEvents(ctx.store, inMesh(mesh));
    await rejectsWith(
      ctx.store.createAll([draftOf('MeshTimeout', mesh, 'new'), draftOf('MeshTimeout', mesh, 'taken')]),
      'Conflict',
    );
    await rejectsWith(ctx.store.update(draftOf('MeshTimeout', mesh, 'taken'), 7), 'Conflict');
    await rejectsWith(ctx.store.delete({ kind: 'MeshTimeout', mesh, name: 'taken' }, 7), 'Conflict');
    // A successful write afterwards proves events were flowing during the failures.
    await ctx.store.delete({ kind: 'MeshTimeout', mesh, name: 'taken' }, 1);
    assert.deepEqual(await recorder.received(1), [
      { kind: 'MeshTimeout', mesh, name: 'taken', op: 'deleted', version: 1 },
    ]);
    recorder.stop();
  });

  it('the function watch returns stops delivery to that listener only', async () => {
    const mesh = ctx.unique('mesh');
    const stopped = recordEvents(ctx.store, inMesh(mesh));
    const kept = recordEvents(ctx.store, inMesh(mesh));
    stopped.stop();
    await ctx.store.create(draftOf('MeshTimeout', mesh, 't'));
    await kept.received(1);
    assert.equal(stopped.events.length, 0);
    kept.stop();
  });

  if (ctx.traits.sharedByInstances) {
    it('every instance hears the writes of every instance', async () => {
      const mesh = ctx.unique('mesh');
      const peer = await ctx.peer();
      const heardHere = recordEvents(ctx.store, inMesh(mesh));
      const heardThere = recordEvents(peer, inMesh(mesh));
      await ctx.store.create(draftOf('MeshTimeout', mesh, 'from-first'));
      await peer.create(draftOf('MeshTimeout', mesh, 'from-second'));
      const expected = [
        { kind: 'MeshTimeout', mesh, name: 'from-first', op: 'created', version: 1 },
        { kind: 'MeshTimeout', mesh, name: 'from-second', op: 'created', version: 1 },
      ];
      assert.deepEqual(sorted(await heardHere.received(2)), expected);
      assert.deepEqual(sorted(await heardThere.received(2)), expected);
      assert.deepEqual(
        await peer.get({ kind: 'MeshTimeout', mesh, name: 'from-first' }),
        await ctx.store.get({ kind: 'MeshTimeout', mesh, name: 'from-first' }),
      );
      heardHere.stop();
      heardThere.stop();
    });
  }
}
