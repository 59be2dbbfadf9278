/**
 * Contract cases for writes: round trips, optimistic concurrency, atomic
 * batches and the Mesh cascade.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { keyOf, type Resource } from '../../src/api/index.js';
import { draftOf, meshDraft } from '../support/store-drafts.js';
import { rejectsWith, type ContractContext } from './store-context.js';

export function writeCases(ctx: ContractContext): void {
  it('create then get round-trips labels, spec and status, with version 1 and both times set', async () => {
    const mesh = ctx.unique('mesh');
    const startedAt = Date.now();
    const draft = draftOf('MeshTimeout', mesh, 'timeout-1', {
      labels: { team: 'payments', 'kuma.io/origin': 'zone' },
      spec: { targetRef: { kind: 'Mesh' }, to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '1h' } }] },
      status: { conditions: [{ type: 'Accepted', status: 'True' }] },
    });
    const created = await ctx.store.create(draft);
    assert.deepEqual(
      {
        kind: created.kind,
        mesh: created.mesh,
        name: created.name,
        labels: created.labels,
        spec: created.spec,
        status: created.status,
      },
      draft,
    );
    assert.equal(created.version, 1);
    assert.ok(created.creationTime instanceof Date);
    assert.equal(created.modificationTime.getTime(), created.creationTime.getTime());
    // The database's clock sets the times; it runs on this machine, so a few seconds of slack is plenty.
    assert.ok(
      Math.abs(created.creationTime.getTime() - startedAt) < 5000,
      `creationTime ${created.creationTime.toISOString()}`,
    );
    assert.deepEqual(await ctx.store.get(keyOf(draft)), created);
  });

  it('spec fields read back in the order they were written, on create and on update', async () => {
    const mesh = ctx.unique('mesh');
    // Deliberately not alphabetical, and with keys of different lengths (jsonb would sort them).
    const spec = {
      targetRef: { kind: 'Mesh' },
      to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '1h', connectionTimeout: '2s' } }],
      from: [],
    };
    const created = await ctx.store.create(draftOf('MeshTimeout', mesh, 'ordered', { spec }));
    const order = (value: unknown) => JSON.stringify(value);
    assert.equal(order(created.spec), order(spec));
    assert.equal(order((await ctx.store.get(created))?.spec), order(spec));
    const reordered = { from: [], targetRef: { kind: 'Mesh' }, to: spec.to };
    const updated = await ctx.store.update(draftOf('MeshTimeout', mesh, 'ordered', { spec: reordered }), 1);
    assert.equal(order(updated.spec), order(reordered));
    assert.equal(order((await ctx.store.get(created))?.spec), order(reordered));
  });

  it('a resource created without status reads back without a status property', async () => {
    const draft = draftOf('MeshRetry', ctx.unique('mesh'), 'retry');
    const created = await ctx.store.create(draft);
    assert.equal('status' in created, false);
    assert.equal('status' in ((await ctx.store.get(draft)) ?? {}), false);
  });

  it('get of a missing key returns undefined', async () => {
    assert.equal(await ctx.store.get({ kind: 'MeshTimeout', mesh: ctx.unique('mesh'), name: 'nothing' }), undefined);
  });

  it('create of an existing key fails with Conflict and keeps the stored resource', async () => {
    const mesh = ctx.unique('mesh');
    const first = await ctx.store.create(draftOf('MeshTimeout', mesh, 't', { labels: { v: '1' } }));
    await rejectsWith(ctx.store.create(draftOf('MeshTimeout', mesh, 't', { labels: { v: '2' } })), 'Conflict');
    assert.deepEqual(await ctx.store.get(first), first);
  });

  it('update bumps version and modificationTime and keeps creationTime', async () => {
    const mesh = ctx.unique('mesh');
    const created = await ctx.store.create(draftOf('MeshTimeout', mesh, 't', { labels: { v: '1' } }));
    await sleep(5); // times have millisecond precision: let the clock move
    const updated = await ctx.store.update(draftOf('MeshTimeout', mesh, 't', { labels: { v: '2' } }), 1);
    assert.equal(updated.version, 2);
    assert.deepEqual(updated.labels, { v: '2' });
    assert.equal(updated.creationTime.getTime(), created.creationTime.getTime());
    assert.ok(updated.modificationTime > created.modificationTime, 'modificationTime moved forward');
    assert.deepEqual(await ctx.store.get(created), updated);
  });

  it('update from a stale version fails with Conflict and changes nothing', async () => {
    const mesh = ctx.unique('mesh');
    await ctx.store.create(draftOf('MeshTimeout', mesh, 't', { labels: { v: '1' } }));
    const current = await ctx.store.update(draftOf('MeshTimeout', mesh, 't', { labels: { v: '2' } }), 1);
    await rejectsWith(ctx.store.update(draftOf('MeshTimeout', mesh, 't', { labels: { v: 'stale' } }), 1), 'Conflict');
    assert.deepEqual(await ctx.store.get(current), current);
  });

  it('update and delete of a missing key fail with NotFound', async () => {
    const draft = draftOf('MeshTimeout', ctx.unique('mesh'), 'missing');
    await rejectsWith(ctx.store.update(draft, 1), 'NotFound');
    await rejectsWith(ctx.store.delete(keyOf(draft)), 'NotFound');
    await rejectsWith(ctx.store.delete(keyOf(draft), 1), 'NotFound');
    assert.equal(await ctx.store.get(draft), undefined, 'a failed update creates nothing');
  });

  it('delete with a stale version fails with Conflict and keeps the resource; with the stored one it deletes', async () => {
    const mesh = ctx.unique('mesh');
    await ctx.store.create(draftOf('MeshTimeout', mesh, 't'));
    const current = await ctx.store.update(draftOf('MeshTimeout', mesh, 't'), 1);
    await rejectsWith(ctx.store.delete(keyOf(current), 1), 'Conflict');
    assert.deepEqual(await ctx.store.get(current), current);
    await ctx.store.delete(keyOf(current), 2);
    assert.equal(await ctx.store.get(current), undefined);
  });

  it('delete without a version deletes whatever version is stored', async () => {
    const mesh = ctx.unique('mesh');
    const created = await ctx.store.create(draftOf('MeshTimeout', mesh, 't'));
    await ctx.store.update(draftOf('MeshTimeout', mesh, 't'), 1);
    await ctx.store.delete(keyOf(created));
    assert.equal(await ctx.store.get(created), undefined);
  });

  it('two concurrent updates from the same read version: exactly one succeeds and the other gets Conflict', async () => {
    // Through two instances when instances share a database, so the race is
    // between two clients and settled by the database, not by one process.
    const mesh = ctx.unique('mesh');
    const writers = [ctx.store, await ctx.peer()] as const;
    for (let round = 0; round < 10; round++) {
      const name = `contended-${round}`;
      const read = await ctx.store.create(draftOf('MeshTimeout', mesh, name));
      const outcomes = await Promise.allSettled(
        writers.map((writer, i) =>
          writer.update(draftOf('MeshTimeout', mesh, name, { labels: { writer: `${i}` } }), read.version),
        ),
      );
      const won = outcomes.filter((o): o is PromiseFulfilledResult<Resource> => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      assert.equal(won.length, 1, `round ${round}: exactly one update succeeds`);
      assert.equal(lost.length, 1);
      await rejectsWith(Promise.reject(lost[0]!.reason as Error), 'Conflict');
      const stored = await ctx.store.get(read);
      assert.equal(stored?.version, 2);
      assert.deepEqual(stored?.labels, won[0]!.value.labels, 'the stored resource is the winner’s');
    }
  });

  it('createAll stores every draft, or none when one of them conflicts', async () => {
    const mesh = ctx.unique('mesh');
    const stored = await ctx.store.createAll([draftOf('MeshTimeout', mesh, 'a'), draftOf('MeshRetry', mesh, 'b')]);
    assert.deepEqual(
      stored.map((r) => [r.kind, r.name, r.version]),
      [
        ['MeshTimeout', 'a', 1],
        ['MeshRetry', 'b', 1],
      ],
    );

    const fresh = draftOf('MeshTimeout', mesh, 'c');
    await rejectsWith(ctx.store.createAll([fresh, draftOf('MeshRetry', mesh, 'b')]), 'Conflict');
    assert.equal(await ctx.store.get(fresh), undefined, 'the draft before the conflicting one is not stored');
  });

  it('createAll with one key twice fails with Conflict and stores neither', async () => {
    const mesh = ctx.unique('mesh');
    await rejectsWith(
      ctx.store.createAll([draftOf('MeshTimeout', mesh, 'twice'), draftOf('MeshTimeout', mesh, 'twice')]),
      'Conflict',
    );
    assert.equal(await ctx.store.get({ kind: 'MeshTimeout', mesh, name: 'twice' }), undefined);
  });

  it('deleting a Mesh deletes every resource in it, of every kind, and nothing in other meshes', async () => {
    const doomed = ctx.unique('mesh');
    const kept = ctx.unique('mesh');
    await ctx.store.createAll([meshDraft(doomed), meshDraft(kept)]);
    const inDoomed = [
      draftOf('MeshTimeout', doomed, 'a'),
      draftOf('MeshRetry', doomed, 'b'),
      draftOf('Dataplane', doomed, 'dp-1'),
    ];
    const inKept = [draftOf('MeshTimeout', kept, 'a'), draftOf('Dataplane', kept, 'dp-1')];
    await ctx.store.createAll([...inDoomed, ...inKept]);

    await ctx.store.delete({ kind: 'Mesh', mesh: '', name: doomed }, 1);

    assert.equal(await ctx.store.get(meshDraft(doomed)), undefined);
    for (const draft of inDoomed)
      assert.equal(await ctx.store.get(draft), undefined, `${draft.kind} ${draft.name} deleted`);
    assert.ok(await ctx.store.get(meshDraft(kept)), 'the other mesh stays');
    for (const draft of inKept)
      assert.ok(await ctx.store.get(draft), `${draft.kind} ${draft.name} in the other mesh stays`);
  });

  it('deleting a Mesh from a stale version fails with Conflict and cascades nothing', async () => {
    const mesh = ctx.unique('mesh');
    await ctx.store.create(meshDraft(mesh));
    await ctx.store.update(meshDraft(mesh), 1);
    const inside = await ctx.store.create(draftOf('MeshTimeout', mesh, 'a'));
    await rejectsWith(ctx.store.delete({ kind: 'Mesh', mesh: '', name: mesh }, 1), 'Conflict');
    assert.deepEqual(await ctx.store.get(inside), inside);
  });

  it('objects passed in or handed out cannot change what is stored', async () => {
    const mesh = ctx.unique('mesh');
    const labels: Record<string, string> = { v: '1' };
    const spec = { targetRef: { kind: 'Mesh' }, nested: { value: 1 } };
    const created = await ctx.store.create(draftOf('MeshTimeout', mesh, 't', { labels, spec }));
    labels['v'] = 'changed after create';
    spec.nested.value = 2;
    (created.labels as Record<string, string>)['v'] = 'changed on the result';
    const read = await ctx.store.get(created);
    (read!.spec['nested'] as { value: number }).value = 3;
    const again = await ctx.store.get(created);
    assert.deepEqual(again?.labels, { v: '1' });
    assert.deepEqual(again?.spec, { targetRef: { kind: 'Mesh' }, nested: { value: 1 } });
  });
}
