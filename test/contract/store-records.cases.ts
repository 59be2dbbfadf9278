/**
 * Contract cases for records a resource owns (a Dataplane's DataplaneInsight):
 * written only while the owner exists, merged with what is stored inside the
 * write, never lost when two instances write one record at once, and deleted
 * with their owner, whoever deletes it (a REST delete, a mesh cascade, a
 * lease sweep).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { RecordMerge } from '../../src/store/index.js';
import { draftOf, meshDraft } from '../support/store-drafts.js';
import { recordEvents, storeSettled } from '../support/store-events.js';
import type { ContractContext } from './store-context.js';

const dataplane = (mesh: string, name: string) => draftOf('Dataplane', mesh, name, { spec: { networking: {} } });

/** A merge that appends `entry` to the stored record's `entries`. */
const append =
  (entry: string): RecordMerge =>
  (stored) => ({
    spec: { entries: [...(((stored?.spec as { entries?: string[] }) ?? {}).entries ?? []), entry] },
  });

const entriesOf = async (ctx: ContractContext, mesh: string, name: string): Promise<string[] | undefined> =>
  ((await ctx.store.get({ kind: 'DataplaneInsight', mesh, name }))?.spec as { entries?: string[] } | undefined)
    ?.entries;

export function recordCases(ctx: ContractContext): void {
  it('a record is created, then merged with what is stored, one event per write', async () => {
    const mesh = ctx.unique('mesh');
    await ctx.store.create(dataplane(mesh, 'web'));
    const recorder = recordEvents(ctx.store, (event) => event.mesh === mesh && event.kind === 'DataplaneInsight');
    assert.equal(await ctx.store.writeRecords('DataplaneInsight', [{ mesh, name: 'web' }], append('a')), 1);
    assert.equal(await ctx.store.writeRecords('DataplaneInsight', [{ mesh, name: 'web' }], append('b')), 1);
    assert.deepEqual(await entriesOf(ctx, mesh, 'web'), ['a', 'b']);
    const key = { kind: 'DataplaneInsight', mesh, name: 'web' };
    assert.deepEqual(await recorder.received(2), [
      { ...key, op: 'created', version: 1 },
      { ...key, op: 'updated', version: 2 },
    ]);
    recorder.stop();
  });

  it('a merge that returns nothing leaves the record, and a key without its owner is skipped', async () => {
    const mesh = ctx.unique('mesh');
    await ctx.store.create(dataplane(mesh, 'web'));
    await ctx.store.writeRecords('DataplaneInsight', [{ mesh, name: 'web' }], append('a'));
    const written = await ctx.store.writeRecords(
      'DataplaneInsight',
      [
        { mesh, name: 'web' },
        { mesh, name: 'gone' },
      ],
      (stored) => (stored ? undefined : { spec: { entries: ['orphan'] } }),
    );
    assert.equal(written, 0);
    assert.deepEqual(await entriesOf(ctx, mesh, 'web'), ['a']);
    assert.equal(await ctx.store.get({ kind: 'DataplaneInsight', mesh, name: 'gone' }), undefined);
  });

  it('deleting the owner deletes its record in the same write; so does deleting the mesh', async () => {
    const mesh = ctx.unique('mesh');
    await ctx.store.create(meshDraft(mesh));
    await ctx.store.createAll([dataplane(mesh, 'a'), dataplane(mesh, 'b')]);
    await ctx.store.writeRecords(
      'DataplaneInsight',
      [
        { mesh, name: 'a' },
        { mesh, name: 'b' },
      ],
      append('x'),
    );
    await storeSettled(ctx.store); // the creation events pass before recording
    const recorder = recordEvents(ctx.store, (event) => event.mesh === mesh);
    await ctx.store.delete({ kind: 'Dataplane', mesh, name: 'a' });
    assert.equal(await ctx.store.get({ kind: 'DataplaneInsight', mesh, name: 'a' }), undefined);
    await ctx.store.delete({ kind: 'Mesh', mesh: '', name: mesh });
    assert.equal(await ctx.store.get({ kind: 'DataplaneInsight', mesh, name: 'b' }), undefined);
    const events = await recorder.received(4);
    assert.deepEqual(
      events.filter((event) => event.kind === 'DataplaneInsight').map((event) => `${event.name} ${event.op}`),
      ['a deleted', 'b deleted'],
    );
    assert.equal(
      await ctx.store.writeRecords('DataplaneInsight', [{ mesh, name: 'b' }], append('late')),
      0,
      'nothing is written into a deleted mesh',
    );
    recorder.stop();
  });

  it('two instances writing one record at once both keep their part', async () => {
    const mesh = ctx.unique('mesh');
    const peer = await ctx.peer();
    await ctx.store.create(dataplane(mesh, 'web'));
    const writes: Promise<number>[] = [];
    for (let i = 0; i < 10; i += 1) {
      writes.push(ctx.store.writeRecords('DataplaneInsight', [{ mesh, name: 'web' }], append(`a${i}`)));
      writes.push(peer.writeRecords('DataplaneInsight', [{ mesh, name: 'web' }], append(`b${i}`)));
    }
    await Promise.all(writes);
    assert.equal((await entriesOf(ctx, mesh, 'web'))?.length, 20);
  });

  it('a lease sweep that removes a Dataplane removes its record', async () => {
    const mesh = ctx.unique('mesh');
    const leases = ctx.store.leases(ctx.unique('cp'));
    await leases.heartbeat();
    const created = await ctx.store.create(dataplane(mesh, 'web'));
    await ctx.store.writeRecords('DataplaneInsight', [{ mesh, name: 'web' }], append('a'));
    await leases.hold({ mesh, name: 'web' }, created.version);
    await leases.release({ mesh, name: 'web' }, created.version);
    // A sweep removes what was released before now: the same millisecond is not yet before it.
    let removed: string[] = [];
    for (let attempt = 0; attempt < 50 && removed.length === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      removed = (await leases.sweep(0, 60_000)).filter((key) => key.mesh === mesh).map((key) => key.name);
    }
    assert.deepEqual(removed, ['web']);
    await storeSettled(ctx.store);
    assert.equal(await ctx.store.get({ kind: 'DataplaneInsight', mesh, name: 'web' }), undefined);
  });
}
