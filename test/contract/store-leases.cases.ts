/**
 * Contract cases for registration leases: a self-registered Dataplane goes
 * after the removal delay once released, or once its instance stopped
 * heartbeating; never while held by a live instance, and never when it was
 * written again since. Instances are distinct ids on the same store.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { draftOf } from '../support/store-drafts.js';
import type { ContractContext } from './store-context.js';

const DELAY_MS = 100;
const TTL_MS = 150;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function leaseCases(ctx: ContractContext): void {
  const dataplane = (mesh: string, name: string) => draftOf('Dataplane', mesh, name, { spec: { networking: {} } });

  /** Sweeps (as `instance`) until `name` is gone, at most 50 times; returns what each sweep removed. */
  async function sweepUntilGone(instance: string, mesh: string, name: string): Promise<string[]> {
    const removed: string[] = [];
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const leases = ctx.store.leases(instance);
      await leases.heartbeat();
      removed.push(...(await leases.sweep(DELAY_MS, TTL_MS)).filter((key) => key.mesh === mesh).map((key) => key.name));
      if ((await ctx.store.get({ kind: 'Dataplane', mesh, name })) === undefined) return removed;
      await pause(DELAY_MS / 2);
    }
    assert.fail(`${name} was never removed`);
  }

  it('a released lease removes its Dataplane after the delay, and only then', async () => {
    const mesh = ctx.unique('mesh');
    const a = ctx.store.leases(ctx.unique('cp'));
    await a.heartbeat();
    const created = await ctx.store.create(dataplane(mesh, 'web'));
    await a.hold({ mesh, name: 'web' }, created.version);
    assert.deepEqual(await a.sweep(DELAY_MS, TTL_MS), [], 'held by a live instance');
    await a.release({ mesh, name: 'web' }, created.version);
    assert.deepEqual(
      (await a.sweep(60_000, TTL_MS)).filter((key) => key.mesh === mesh),
      [],
      'not before the delay',
    );
    assert.deepEqual(await sweepUntilGone(ctx.unique('cp'), mesh, 'web'), ['web']);
  });

  it('a Dataplane written again since its lease was released stays', async () => {
    const mesh = ctx.unique('mesh');
    const a = ctx.store.leases(ctx.unique('cp'));
    const created = await ctx.store.create(dataplane(mesh, 'web'));
    await a.hold({ mesh, name: 'web' }, created.version);
    await a.release({ mesh, name: 'web' }, created.version);
    await ctx.store.update(dataplane(mesh, 'web'), created.version);
    await pause(DELAY_MS * 2);
    const removed = await a.sweep(DELAY_MS, TTL_MS);
    assert.deepEqual(
      removed.filter((key) => key.mesh === mesh),
      [],
    );
    assert.ok(await ctx.store.get({ kind: 'Dataplane', mesh, name: 'web' }));
  });

  it("a dead instance's leases lapse; a live instance's held leases never do; releaseAll releases one instance's only", async () => {
    const mesh = ctx.unique('mesh');
    const [deadId, liveId, leavingId] = [ctx.unique('dead'), ctx.unique('live'), ctx.unique('leaving')];
    const [dead, live, leaving] = [deadId, liveId, leavingId].map((id) => ctx.store.leases(id)) as [
      ReturnType<typeof ctx.store.leases>,
      ReturnType<typeof ctx.store.leases>,
      ReturnType<typeof ctx.store.leases>,
    ];
    for (const [leases, name] of [
      [dead, 'dead-dp'],
      [live, 'live-dp'],
      [leaving, 'leaving-dp'],
    ] as const) {
      await leases.heartbeat();
      const created = await ctx.store.create(dataplane(mesh, name));
      await leases.hold({ mesh, name }, created.version);
    }
    await leaving.releaseAll();
    // `live` keeps heartbeating while sweeping; `dead` never heartbeats again.
    const removed = await sweepUntilGone(liveId, mesh, 'dead-dp');
    await sweepUntilGone(liveId, mesh, 'leaving-dp');
    assert.ok(!removed.includes('live-dp'));
    assert.ok(await ctx.store.get({ kind: 'Dataplane', mesh, name: 'live-dp' }), 'held by a live instance');
  });

  it('instances are listed with what they say of themselves, their start and last heartbeat, until they stop', async () => {
    const [oneId, twoId] = [ctx.unique('one'), ctx.unique('two')];
    let apiUrl: string | undefined;
    const one = ctx.store.leases(oneId, () => ({ hostname: 'host-1', ...(apiUrl === undefined ? {} : { apiUrl }) }));
    const two = ctx.store.leases(twoId);
    await one.heartbeat();
    await two.heartbeat();
    const mine = async () => (await one.instances()).filter((i) => i.id === oneId || i.id === twoId);
    const first = await mine();
    assert.deepEqual(
      first.map((i) => ({ id: i.id, hostname: i.hostname, apiUrl: i.apiUrl })),
      [
        { id: oneId, hostname: 'host-1', apiUrl: undefined },
        { id: twoId, hostname: undefined, apiUrl: undefined },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    for (const instance of first) assert.ok(instance.startTime.getTime() <= instance.lastHeartbeat.getTime());
    apiUrl = 'http://127.0.0.1:5681';
    await one.heartbeat();
    const again = (await mine()).find((i) => i.id === oneId)!;
    assert.equal(again.apiUrl, 'http://127.0.0.1:5681', 'each heartbeat records it anew');
    assert.equal(again.startTime.getTime(), first.find((i) => i.id === oneId)!.startTime.getTime(), 'start kept');
    await two.releaseAll();
    assert.deepEqual(
      (await mine()).map((i) => i.id),
      [oneId],
      'a stopped instance is gone',
    );
  });
}
