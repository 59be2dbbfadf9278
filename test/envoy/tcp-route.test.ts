/**
 * MeshTCPRoute through real Envoy sidecars: the client's TCP connections to
 * `db` split by weight between version subsets, or sent to another service
 * altogether. Each connection is one routing decision; the app that echoes
 * (`<name>:<bytes>`) says where it went.
 *
 *                                    ┌──► db-v1 (db, version v1)
 *   tcp-client ──mTLS── outbound db ─┴──► db-v2 (db, version v2)
 *              └─────── outbound db-next ──► db-next-1
 *
 * A STRICT mTLS mesh with its default policies and an allow-all permission.
 * Each case applies its own route and removes it, awaiting the client's ACK.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeApps } from '../support/envoy-apps.js';
import { envoyTestOptions } from '../support/envoy.js';
import { failed, sendTcp, startTcpLoad, tallyByApp } from '../support/envoy-load.js';
import {
  applyPolicy,
  changeAndAwait,
  deletePolicy,
  putOpenMtlsMesh,
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

const MESH = 'tcp-routes';

/** A MeshTCPRoute from tcp-client to db with `backendRefs`. */
const tcpRoute = (name: string, backendRefs: readonly unknown[]): PolicyDocument => ({
  type: 'MeshTCPRoute',
  mesh: MESH,
  name,
  spec: {
    targetRef: { kind: 'MeshService', name: 'tcp-client' },
    to: [{ targetRef: { kind: 'MeshService', name: 'db' }, rules: [{ default: { backendRefs } }] }],
  },
});

const subset = (version: string, weight: number) => ({
  kind: 'MeshServiceSubset',
  name: 'db',
  tags: { version },
  weight,
});

describe('MeshTCPRoute through real Envoy sidecars', { ...envoyTestOptions(), timeout: 180_000 }, () => {
  let cp: ControlPlaneProcess;
  let v1: ServiceInstance;
  let v2: ServiceInstance;
  let next: ServiceInstance;
  let client: Sidecar;
  const db = () => outboundPort(client, 'db');

  before(async () => {
    cp = await startControlPlane();
    await putOpenMtlsMesh(cp, MESH);
    [v1, v2, next, client] = await Promise.all([
      startInstance(cp, { mesh: MESH, name: 'db-v1', service: 'db', protocol: 'tcp', tags: { version: 'v1' } }),
      startInstance(cp, { mesh: MESH, name: 'db-v2', service: 'db', protocol: 'tcp', tags: { version: 'v2' } }),
      startInstance(cp, { mesh: MESH, name: 'db-next-1', service: 'db-next', protocol: 'tcp' }),
      startCaller(cp, { mesh: MESH, name: 'tcp-client', calls: ['db', 'db-next'], extraArgs: ['--drain-time', '5s'] }),
    ]);
    await awaitEndpoints(client, { db: [v1, v2], 'db-next': [next] });
  });
  after(async () => {
    await cleanUp();
    await closeApps();
  });

  test('without a route, connections to db are balanced over both versions', async () => {
    assert.deepEqual(tallyByApp(await sendTcp(db(), 20, { concurrency: 1 })), { 'db-v1': 10, 'db-v2': 10 });
  });

  test('a 90/10 split between version subsets holds over 1,000 connections', async () => {
    const split = tcpRoute('split', [subset('v1', 90), subset('v2', 10)]);
    await applyPolicy(cp, [client], split);
    try {
      const tally = tallyByApp(await sendTcp(db(), 1_000, { concurrency: 4 }));
      console.log(`90/10 split: ${JSON.stringify(tally)}`);
      assert.deepEqual(Object.keys(tally).sort(), ['db-v1', 'db-v2'], 'every connection answered by one of the two');
      // Envoy picks a weighted cluster at random per connection: 4 points is about 4 standard deviations.
      assert.ok(Math.abs((tally['db-v2'] ?? 0) - 100) <= 40, `db-v2 got ${tally['db-v2']} of 1,000 (10% ± 4 points)`);
    } finally {
      await removePolicy(cp, [client], split);
    }
  });

  test('a route to another service takes every new connection while connections keep flowing, and removing it brings them back', async () => {
    const moved = tcpRoute('moved', [{ kind: 'MeshService', name: 'db-next', weight: 1 }]);
    const load = startTcpLoad(db(), { concurrency: 2 });
    // Connections that ended before a change was made, started after it was ACKed.
    const at = { moving: 0, moved: 0, removing: 0, back: 0 };
    try {
      await waitFor('connections to flow', () => (load.outcomes().length >= 20 ? true : undefined), 20_000);
      at.moving = Date.now();
      await changeAndAwait(cp, [client], () => putPolicy(cp, moved));
      at.moved = Date.now();
      await waitFor(
        '100 connections after the route',
        () => (load.outcomes().filter((o) => o.startedAt > at.moved).length >= 100 ? true : undefined),
        20_000,
      );
      at.removing = Date.now();
      await changeAndAwait(cp, [client], () => deletePolicy(cp, moved));
      at.back = Date.now();
      await waitFor(
        '100 connections after its removal',
        () => (load.outcomes().filter((o) => o.startedAt > at.back).length >= 100 ? true : undefined),
        20_000,
      );
    } finally {
      await load.stop();
    }
    const outcomes = load.outcomes();
    const before = outcomes.filter((o) => o.endedAt < at.moving);
    const during = outcomes.filter((o) => o.startedAt > at.moved && o.endedAt < at.removing);
    const after = outcomes.filter((o) => o.startedAt > at.back);
    console.log(
      `moved: ${outcomes.length} connections, ${JSON.stringify(tallyByApp(before))} -> ${JSON.stringify(tallyByApp(during))} -> ${JSON.stringify(tallyByApp(after))}`,
    );
    assert.deepEqual(outcomes.filter(failed), [], 'no connection failed across both changes');
    assert.deepEqual(Object.keys(tallyByApp(before)).sort(), ['db-v1', 'db-v2']);
    assert.deepEqual(tallyByApp(during), { 'db-next-1': during.length });
    assert.deepEqual(Object.keys(tallyByApp(after)).sort(), ['db-v1', 'db-v2']);
  });
});
