/**
 * Contract cases for `leftOpen`: the DataplaneInsight records holding a
 * subscription still open from an instance that is gone (its heartbeat
 * lapsed), or from this instance's own id; an instance found with nothing
 * left open is not searched again until it heartbeats again. Cases share
 * one database, so each looks only at its own mesh.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LeftOpenSubscription, RegistrationLeases } from '../../src/store/index.js';
import { draftOf } from '../support/store-drafts.js';
import type { ContractContext } from './store-context.js';

const TTL_MS = 150;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const subscription = (id: string, instanceId: string, disconnected = false) => ({
  id,
  controlPlaneInstanceId: instanceId,
  connectTime: '2024-01-01T00:00:00.000Z',
  ...(disconnected ? { disconnectTime: '2024-01-01T00:01:00.000Z' } : {}),
  status: {},
});

export function leftOpenCases(ctx: ContractContext): void {
  const dataplane = (mesh: string, name: string) => draftOf('Dataplane', mesh, name, { spec: { networking: {} } });

  /** A Dataplane and its insight holding `subscriptions`. */
  async function insight(mesh: string, name: string, subscriptions: object[]): Promise<void> {
    await ctx.store.create(dataplane(mesh, name));
    await ctx.store.writeRecords('DataplaneInsight', [{ mesh, name }], () => ({ spec: { subscriptions } }));
  }

  const inMesh = async (leases: RegistrationLeases, mesh: string, of: 'lapsed' | 'own', limit = 1000) =>
    (await leases.leftOpen({ of, instanceTtlMs: TTL_MS, limit }))
      .filter((found) => found.mesh === mesh)
      .map(({ lastSeen: _lastSeen, ...rest }) => rest);

  /** Asks (as `leases`) until the answer for `mesh` is not empty, at most 40 times. */
  async function lapsedIn(leases: RegistrationLeases, mesh: string): Promise<LeftOpenSubscription[]> {
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const found = (await leases.leftOpen({ of: 'lapsed', instanceTtlMs: TTL_MS, limit: 1000 })).filter(
        (entry) => entry.mesh === mesh,
      );
      if (found.length > 0) return found;
      await pause(TTL_MS / 3);
    }
    assert.fail('nothing left open was found');
  }

  it("a dead instance's open subscriptions are found once its heartbeat lapsed, with when it was last seen", async () => {
    const mesh = ctx.unique('mesh');
    const [deadId, liveId] = [ctx.unique('dead'), ctx.unique('live')];
    const [dead, live] = [ctx.store.leases(deadId), ctx.store.leases(liveId)];
    const before = Date.now();
    await dead.heartbeat();
    await live.heartbeat();
    await insight(mesh, 'web', [subscription('1', deadId)]);
    await insight(mesh, 'api', [subscription('1', deadId, true), subscription('2', liveId)]);
    assert.deepEqual(await inMesh(live, mesh, 'lapsed'), [], 'not before the TTL');

    const found = await lapsedIn(live, mesh);
    await live.heartbeat();
    assert.deepEqual(
      found.map(({ lastSeen: _lastSeen, ...rest }) => rest),
      [{ mesh, name: 'web', instanceId: deadId }],
      'only the open subscription of the dead instance',
    );
    const lastSeen = found[0]!.lastSeen!.getTime();
    assert.ok(lastSeen >= before - 1000 && lastSeen <= Date.now(), 'its last heartbeat');
  });

  it('an instance with nothing left open is not searched again until it heartbeats again', async () => {
    const mesh = ctx.unique('mesh');
    const [deadId, liveId] = [ctx.unique('dead'), ctx.unique('live')];
    const [dead, live] = [ctx.store.leases(deadId), ctx.store.leases(liveId)];
    await dead.heartbeat();
    await insight(mesh, 'web', [subscription('1', deadId)]);
    await lapsedIn(live, mesh);
    await ctx.store.writeRecords('DataplaneInsight', [{ mesh, name: 'web' }], () => ({
      spec: { subscriptions: [subscription('1', deadId, true)] },
    }));
    assert.deepEqual(await inMesh(live, mesh, 'lapsed'), [], 'closed: nothing left, the instance is marked done');
    // Written open again (a late writer) without a heartbeat: the instance stays done.
    await ctx.store.writeRecords('DataplaneInsight', [{ mesh, name: 'web' }], () => ({
      spec: { subscriptions: [subscription('2', deadId)] },
    }));
    assert.deepEqual(await inMesh(live, mesh, 'lapsed'), []);
    // It comes back, then dies again: searched again.
    await dead.heartbeat();
    assert.deepEqual(
      (await lapsedIn(live, mesh)).map((found) => found.name),
      ['web'],
    );
  });

  it("`own` finds this instance's open subscriptions whatever its heartbeat, ordered by mesh and name, up to the limit", async () => {
    const mesh = ctx.unique('mesh');
    const selfId = ctx.unique('self');
    const self = ctx.store.leases(selfId);
    await self.heartbeat();
    for (const name of ['c', 'a', 'b']) await insight(mesh, name, [subscription('1', selfId)]);
    await insight(mesh, 'other', [subscription('1', ctx.unique('cp'))]);
    assert.deepEqual(await inMesh(self, mesh, 'own'), [
      { mesh, name: 'a', instanceId: selfId },
      { mesh, name: 'b', instanceId: selfId },
      { mesh, name: 'c', instanceId: selfId },
    ]);
    assert.deepEqual(await inMesh(self, mesh, 'lapsed'), [], 'a live instance is never lapsed to itself');
    const limited = await self.leftOpen({ of: 'own', instanceTtlMs: TTL_MS, limit: 2 });
    assert.equal(limited.length, 2);
  });
}
