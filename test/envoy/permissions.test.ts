/**
 * MeshTrafficPermission through real Envoy sidecars in a STRICT mTLS mesh:
 * callers are told apart by their certificates, and the callee's Envoy lets
 * them in or not (HTTP: 403 from the RBAC filter; TCP: the connection closed
 * before a byte reaches the app).
 *
 *   friend   ──mTLS──┐      ┌──► perm-api (http)
 *                    ├──────┤
 *   stranger ──mTLS──┘      └──► perm-db  (tcp)
 *
 * Each case applies its own policies (targeting the whole mesh, so every
 * sidecar's inbound gets them) and removes them, waiting each time until
 * every sidecar has ACKed the result. The mesh has its default policies, as a
 * user's would: a permission change rebuilds the callee's inbound listener,
 * and Envoy closes the connections of the old one (at once: the sidecars run
 * with --drain-time 0s), so a request caught on one is reset; the default
 * MeshRetry sends it again. (A 403 is never retried.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeApps } from '../support/envoy-apps.js';
import { envoyTestOptions } from '../support/envoy.js';
import {
  sendHttp,
  sendTcp,
  startHttpLoad,
  startTcpLoad,
  tallyByStatus,
  type Load,
  type Outcome,
} from '../support/envoy-load.js';
import {
  applyPolicy,
  changeAndAwait,
  mtlsMesh,
  putMesh,
  putPolicy,
  removePolicy,
  type PolicyDocument,
} from '../support/envoy-mesh.js';
import {
  awaitEndpoints,
  outboundPort,
  startCaller,
  startInstance,
  type ServiceInstance,
} from '../support/envoy-services.js';
import type { Sidecar } from '../support/envoy-sidecar.js';
import { cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const MESH = 'perm';

type Action = 'Allow' | 'Deny' | 'AllowWithShadowDeny';

/** A MeshTrafficPermission on every inbound of the mesh: `from` maps a caller service (or `*` for the whole mesh) to an action. */
function permission(name: string, from: Readonly<Record<string, Action>>): PolicyDocument {
  return {
    type: 'MeshTrafficPermission',
    mesh: MESH,
    name,
    spec: {
      targetRef: { kind: 'Mesh' },
      from: Object.entries(from).map(([caller, action]) => ({
        targetRef: caller === '*' ? { kind: 'Mesh' } : { kind: 'MeshService', name: caller },
        default: { action },
      })),
    },
  };
}

/** What a caller got: `200`, `403`, ... for HTTP; `answered` or `refused` for TCP. */
const verdictOf = (outcome: Outcome): string =>
  outcome.status !== undefined ? String(outcome.status) : outcome.error === undefined ? 'answered' : 'refused';

describe('MeshTrafficPermission through real Envoy sidecars', { ...envoyTestOptions(), timeout: 180_000 }, () => {
  let cp: ControlPlaneProcess;
  let api: ServiceInstance;
  let db: ServiceInstance;
  let friend: Sidecar;
  let stranger: Sidecar;
  let everyone: Sidecar[];

  /** n HTTP requests and n TCP exchanges from `caller`; how each ended. */
  async function callsFrom(
    caller: Sidecar,
    n = 10,
  ): Promise<{ http: Record<string, number>; tcp: Record<string, number> }> {
    const http = await sendHttp(outboundPort(caller, 'perm-api'), n, { concurrency: 2 });
    const tcp = await sendTcp(outboundPort(caller, 'perm-db'), n, { concurrency: 2 });
    const count = (outcomes: readonly Outcome[]) => {
      const counts: Record<string, number> = {};
      for (const outcome of outcomes) counts[verdictOf(outcome)] = (counts[verdictOf(outcome)] ?? 0) + 1;
      return counts;
    };
    return { http: count(http), tcp: count(tcp) };
  }

  before(async () => {
    cp = await startControlPlane();
    await putMesh(cp, mtlsMesh(MESH));
    [api, db, friend, stranger] = await Promise.all([
      startInstance(cp, { mesh: MESH, name: 'perm-api', service: 'perm-api' }),
      startInstance(cp, { mesh: MESH, name: 'perm-db', service: 'perm-db', protocol: 'tcp' }),
      startCaller(cp, { mesh: MESH, name: 'friend', calls: ['perm-api', 'perm-db'] }),
      startCaller(cp, { mesh: MESH, name: 'stranger', calls: ['perm-api', 'perm-db'] }),
    ]);
    everyone = [api.sidecar, db.sidecar, friend, stranger];
    await Promise.all(
      [friend, stranger].map((caller) => awaitEndpoints(caller, { 'perm-api': [api], 'perm-db': [db] })),
    );
  });
  after(async () => {
    await cleanUp();
    await closeApps();
  });

  test('without a MeshTrafficPermission every caller is refused: 403 for HTTP, the TCP connection closed', async () => {
    const served = api.app.served();
    assert.deepEqual(await callsFrom(friend), { http: { 403: 10 }, tcp: { refused: 10 } });
    assert.deepEqual(await callsFrom(stranger), { http: { 403: 10 }, tcp: { refused: 10 } });
    assert.equal(api.app.served(), served, 'no request reached the HTTP app');
  });

  test('an Allow for one caller lets it in; the other is still refused', async () => {
    const allowFriend = permission('allow-friend', { friend: 'Allow' });
    await applyPolicy(cp, everyone, allowFriend);
    try {
      const served = api.app.served();
      assert.deepEqual(await callsFrom(friend), { http: { 200: 10 }, tcp: { answered: 10 } });
      assert.deepEqual(await callsFrom(stranger), { http: { 403: 10 }, tcp: { refused: 10 } });
      assert.equal(api.app.served(), served + 10, "only the friend's requests reached the app");
      const denied = (await sendHttp(outboundPort(stranger, 'perm-api'), 1))[0]!;
      assert.equal(denied.body, 'RBAC: access denied', "the callee's Envoy answered, not the app");
    } finally {
      await removePolicy(cp, everyone, allowFriend);
    }
  });

  test('a Deny for one caller wins over a mesh-wide Allow; AllowWithShadowDeny lets the caller in', async () => {
    const policy = permission('all-but-stranger', { '*': 'Allow', stranger: 'Deny' });
    await applyPolicy(cp, everyone, policy);
    try {
      assert.deepEqual(await callsFrom(friend), { http: { 200: 10 }, tcp: { answered: 10 } });
      assert.deepEqual(await callsFrom(stranger), { http: { 403: 10 }, tcp: { refused: 10 } });
      await applyPolicy(cp, everyone, permission(policy.name, { '*': 'Allow', stranger: 'AllowWithShadowDeny' }));
      assert.deepEqual(await callsFrom(stranger), { http: { 200: 10 }, tcp: { answered: 10 } });
    } finally {
      await removePolicy(cp, everyone, policy);
    }
  });

  test('changing the policy while both callers send flips who gets in, each caller switching once', async () => {
    const policy = permission('flip', { friend: 'Allow', stranger: 'Deny' });
    await applyPolicy(cp, everyone, policy);
    const loads: Record<string, Load> = {
      'friend http': startHttpLoad(outboundPort(friend, 'perm-api'), { concurrency: 1 }),
      'stranger http': startHttpLoad(outboundPort(stranger, 'perm-api'), { concurrency: 1 }),
      'friend tcp': startTcpLoad(outboundPort(friend, 'perm-db'), { concurrency: 1 }),
      'stranger tcp': startTcpLoad(outboundPort(stranger, 'perm-db'), { concurrency: 1 }),
    };
    const expected: Record<string, [string, string]> = {
      'friend http': ['200', '403'],
      'stranger http': ['403', '200'],
      'friend tcp': ['answered', 'refused'],
      'stranger tcp': ['refused', 'answered'],
    };
    let flippedAt = 0;
    try {
      await waitFor(
        'every caller to have sent 20 requests',
        () => (Object.values(loads).every((l) => l.outcomes().length >= 20) ? true : undefined),
        30_000,
      );
      await changeAndAwait(cp, everyone, () =>
        putPolicy(cp, permission(policy.name, { friend: 'Deny', stranger: 'Allow' })),
      );
      flippedAt = Date.now();
      await waitFor(
        'every caller to have sent 50 requests after the change was ACKed',
        () =>
          Object.values(loads).every((l) => l.outcomes().filter((o) => o.startedAt > flippedAt).length >= 50)
            ? true
            : undefined,
        30_000,
      );
    } finally {
      await Promise.all(Object.values(loads).map((l) => l.stop()));
      await removePolicy(cp, everyone, policy);
    }
    const figures: string[] = [];
    for (const [name, load] of Object.entries(loads)) {
      const [old, now] = expected[name]!;
      const verdicts = load.outcomes().map(verdictOf);
      const switchAt = verdicts.indexOf(now);
      assert.ok(
        switchAt > 0,
        `${name}: ${old} before the change, ${now} after (${JSON.stringify(tallyByStatus(load.outcomes()))})`,
      );
      assert.deepEqual(new Set(verdicts.slice(0, switchAt)), new Set([old]), `${name}: only ${old} before the switch`);
      assert.deepEqual(
        new Set(verdicts.slice(switchAt)),
        new Set([now]),
        `${name}: only ${now} from the switch on, no going back, nothing else`,
      );
      const lateAfterAck = load.outcomes().filter((o, i) => i < switchAt && o.startedAt > flippedAt).length;
      figures.push(
        `${name}: ${switchAt} × ${old} then ${verdicts.length - switchAt} × ${now} (${lateAfterAck} of the old kind started after the ACK)`,
      );
    }
    console.log(`flip: ${figures.join('; ')}`);
  });
});
