/**
 * The control plane through a PostgreSQL outage and an instance crash, as real
 * processes: `koguma cp run --store postgres` on a PostgreSQL server of the
 * test's own (support/postgres-cluster.ts), stopped and started for real, and
 * raw ADS clients standing for proxyless dataplanes (support/proxyless-ads.ts).
 *
 *   server down ─► writes 503, /ready 503 ─► a proxy reconnecting gets the last good config,
 *                                           an unknown one is refused (it retries)
 *   server up   ─► the first change reaches every connected proxy; the unknown one registers
 *   kill -9 of one of two instances ─► its proxies reconnect to the other; those that do not
 *                                      are removed after the removal delay
 *
 * Latencies are printed as diagnostics; the test asserts what happens, with
 * generous bounds, never how fast (bench/ measures speed).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { backendDataplane, consumerDataplane, endpointPortsOf } from '../support/ads-endpoints.js';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.js';
import { latestOf, startAdsClient, type AdsClient } from '../support/proxyless-ads.js';
import { api, cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const clients: AdsClient[] = [];

async function connect(cp: ControlPlaneProcess, name: string): Promise<AdsClient> {
  const client = startAdsClient({
    xdsUrl: cp.xdsUrl,
    ca: await readFile(cp.caCertFile, 'utf8'),
    nodeId: `default.${name}`,
    dataplane: consumerDataplane(name),
    subscribe: [{ typeUrl: TypeUrl.Cluster }, { typeUrl: TypeUrl.ClusterLoadAssignment, resourceNames: ['backend'] }],
  });
  clients.push(client);
  return client;
}

/** Waits until the client's newest endpoints of `backend` are exactly `ports`. */
const endpointsAre = (client: AdsClient, ports: number[], timeoutMs = 60_000) =>
  waitFor(
    () =>
      `endpoints ${ports.join(',')} (have ${endpointPortsOf(latestOf(client, TypeUrl.ClusterLoadAssignment)).join(',')}; stream failure: ${String(client.failure())})`,
    () =>
      JSON.stringify(endpointPortsOf(latestOf(client, TypeUrl.ClusterLoadAssignment))) === JSON.stringify(ports)
        ? true
        : undefined,
    timeoutMs,
  );

/** PUTs until the store takes it (the pool reconnects after an outage); returns when it did. */
async function putWhenBack(cp: ControlPlaneProcess, path: string, body: unknown): Promise<number> {
  return waitFor(
    `${path} to be stored`,
    async () => {
      const { status } = await api(cp, 'PUT', path, body);
      return status === 200 || status === 201 ? Date.now() : undefined;
    },
    60_000,
  );
}

let cluster: PostgresCluster;

if (process.env['KOGUMA_TEST_POSTGRES_URL']) {
  before(async () => {
    cluster = await startPostgresCluster();
  });
  after(async () => {
    for (const client of clients) client.close();
    await cleanUp();
    await cluster?.destroy();
  });

  describe('a control plane on PostgreSQL through an outage', () => {
    it('serves the last good state while the server is down, and delivers the first change after it to every proxy', async (t) => {
      const cp = await startControlPlane({ store: 'postgres', postgresUrl: await cluster.database('outage') });
      assert.equal(
        (await api(cp, 'PUT', '/meshes/default/dataplanes/backend-1', backendDataplane('backend-1', 7001))).status,
        201,
      );
      const proxies = [await connect(cp, 'web-1'), await connect(cp, 'web-2'), await connect(cp, 'web-3')];
      for (const proxy of proxies) await endpointsAre(proxy, [7001]);

      await cluster.stop('immediate');
      let reconnected: AdsClient;
      let stranger: AdsClient;
      try {
        assert.equal(
          (await api(cp, 'PUT', '/meshes/default/dataplanes/backend-2', backendDataplane('backend-2', 7002))).status,
          503,
        );
        const ready = await api(cp, 'GET', '/ready');
        assert.equal(ready.status, 503);
        assert.equal(ready.body.store.available, false);
        // A proxy that restarts during the outage gets the last good config at once.
        proxies[0]!.close();
        reconnected = await connect(cp, 'web-1');
        await endpointsAre(reconnected, [7001]);
        // One the control plane never knew is refused for now.
        stranger = await connect(cp, 'web-new');
        await waitFor('the unknown proxy refused', () => (stranger.failure() !== undefined ? true : undefined));
        assert.match(String(stranger.failure()), /unavailable/i);
      } finally {
        await cluster.start();
      }
      const storedAt = await putWhenBack(
        cp,
        '/meshes/default/dataplanes/backend-2',
        backendDataplane('backend-2', 7002),
      );
      const connected = [reconnected, proxies[1]!, proxies[2]!];
      for (const proxy of connected) await endpointsAre(proxy, [7001, 7002]);
      t.diagnostic(
        `first change after the outage: every connected proxy had it ${Date.now() - storedAt} ms after the store took it`,
      );
      const late = await connect(cp, 'web-new');
      await endpointsAre(late, [7001, 7002]);
      assert.equal((await api(cp, 'GET', '/ready')).status, 200);

      // A proxy away while a change is committed is first served the config with that change, never its old one.
      proxies[1]!.close();
      assert.equal(
        (await api(cp, 'PUT', '/meshes/default/dataplanes/backend-3', backendDataplane('backend-3', 7003))).status,
        201,
      );
      const back = await connect(cp, 'web-2');
      const first = await waitFor(
        'the first endpoints after reconnecting',
        () => back.ofType(TypeUrl.ClusterLoadAssignment)[0],
      );
      assert.deepEqual(endpointPortsOf(first), [7001, 7002, 7003]);
    });
  });

  describe('two control planes on one PostgreSQL, one killed', () => {
    it('its proxies reconnect to the other; those that do not are removed after the removal delay', async (t) => {
      const timing = ['--heartbeat-interval', '500ms', '--instance-ttl', '2s'];
      const options = {
        store: 'postgres',
        postgresUrl: await cluster.database('crash'),
        removalDelay: '3s',
        extraArgs: timing,
      } as const;
      const [a, b] = [
        await startControlPlane({ ...options, instanceId: 'cp-a' }),
        await startControlPlane({ ...options, instanceId: 'cp-b' }),
      ];
      assert.equal(
        (await api(b, 'PUT', '/meshes/default/dataplanes/backend-9', backendDataplane('backend-9', 7009))).status,
        201,
      );
      const onA = [await connect(a, 'moving-1'), await connect(a, 'gone-1'), await connect(a, 'gone-2')];
      const onB = await connect(b, 'staying-1');
      for (const proxy of [...onA, onB]) await endpointsAre(proxy, [7009]);

      await a.proc.stop('SIGKILL');
      const killedAt = Date.now();
      for (const proxy of onA) proxy.close();
      const moved = await connect(b, 'moving-1');
      await endpointsAre(moved, [7009]);

      const names = async () =>
        ((await api(b, 'GET', '/meshes/default/dataplanes')).body.items as { name: string }[]).map((item) => item.name);
      await waitFor(
        "the dead instance's departed proxies removed",
        async () => {
          const left = await names();
          return !left.includes('gone-1') && !left.includes('gone-2') ? true : undefined;
        },
        60_000,
      );
      t.diagnostic(
        `departed proxies of the killed instance removed ${Date.now() - killedAt} ms after the kill (removal delay 3 s, instance TTL 2 s)`,
      );
      const left = await names();
      assert.ok(
        left.includes('moving-1') && left.includes('staying-1') && left.includes('backend-9'),
        `kept: ${left.join(', ')}`,
      );
    });
  });
}
