/**
 * A control-plane instance killed without a clean stop leaves its proxies'
 * subscriptions open in the stored DataplaneInsight records; the live
 * instances close them once its heartbeat lapses, and a restart of the same
 * instance id closes what its previous life left. Real processes: two
 * `koguma cp run --store postgres` on a PostgreSQL server of the test's own
 * (support/postgres-cluster.ts), and a raw ADS client standing for the proxy
 * of a Dataplane created through the API (never swept: it is not
 * self-registered).
 *
 *   client ─ADS─► A ─► insight "online" ─► kill -9 A ─► B's tick: A lapsed ─► closed ─► B shows offline
 *
 * The delay from the kill to B showing the proxy offline is printed as a
 * diagnostic; the test asserts it comes, within a bounded wait.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { consumerDataplane } from '../support/ads-endpoints.js';
import { postgresBinDir, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.js';
import { startAdsClient, type AdsClient } from '../support/proxyless-ads.js';
import { api, cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const HEARTBEAT = '300ms';
const TTL_MS = 1500;
const clients: AdsClient[] = [];
let cluster: PostgresCluster | undefined;

const start = (postgresUrl: string, instanceId: string, ttl = `${TTL_MS}ms`) =>
  startControlPlane({
    store: 'postgres',
    postgresUrl,
    instanceId,
    removalDelay: '10m',
    extraArgs: ['--heartbeat-interval', HEARTBEAT, '--instance-ttl', ttl, '--log-level', 'info'],
  });

async function connect(cp: ControlPlaneProcess, name: string): Promise<AdsClient> {
  const client = startAdsClient({
    xdsUrl: cp.xdsUrl,
    ca: await readFile(cp.caCertFile, 'utf8'),
    nodeId: `default.${name}`,
    dataplane: consumerDataplane(name),
    subscribe: [{ typeUrl: TypeUrl.Cluster }, { typeUrl: TypeUrl.Listener }],
  });
  clients.push(client);
  return client;
}

const meshDataplanes = async (cp: ControlPlaneProcess) =>
  (await api(cp, 'GET', '/mesh-insights/default')).body.dataplanes;

/** `name`'s insight in the cluster-wide list of overviews. */
async function listedInsight(cp: ControlPlaneProcess, name: string): Promise<any> {
  const { body } = await api(cp, 'GET', '/meshes/default/dataplanes/_overview');
  return body.items.find((item: any) => item.name === name)?.dataplaneInsight;
}

/** Waits until `cp` counts `name` online, held by `instanceId`. */
async function onlineAt(cp: ControlPlaneProcess, name: string, instanceId: string): Promise<void> {
  await waitFor(
    `${name} online through ${instanceId}`,
    async () => {
      const insight = await listedInsight(cp, name);
      const open = insight?.subscriptions?.at(-1);
      return insight?.connected === true &&
        open?.controlPlaneInstanceId === instanceId &&
        open.disconnectTime === undefined
        ? true
        : undefined;
    },
    20_000,
  );
}

if (postgresBinDir() !== undefined) {
  before(async () => {
    cluster = await startPostgresCluster();
  });
  after(async () => {
    for (const client of clients) client.close();
    await cleanUp();
    await cluster?.destroy();
  });

  describe('the subscriptions of a dead control-plane instance', () => {
    it('a proxy of an instance killed with SIGKILL shows offline on the other instance within its TTL and a tick', async () => {
      const url = await cluster!.database('dead_instance');
      const a = await start(url, 'cp-a');
      const b = await start(url, 'cp-b');
      assert.equal((await api(a, 'PUT', '/meshes/default/dataplanes/web-1', consumerDataplane('web-1'))).status, 201);
      await connect(a, 'web-1');
      await onlineAt(b, 'web-1', 'cp-a');
      await waitFor('B to count web-1 online', async () => ((await meshDataplanes(b)).online === 1 ? true : undefined));

      const killedAt = Date.now();
      assert.equal(await a.proc.stop('SIGKILL'), 137);
      const offline = await waitFor(
        'B to show web-1 offline',
        async () => {
          const insight = await listedInsight(b, 'web-1');
          return insight?.connected === false ? insight : undefined;
        },
        TTL_MS + 20_000,
      );
      const elapsed = Date.now() - killedAt;
      console.log(
        `# B showed the proxy of the killed instance offline ${elapsed} ms after SIGKILL (heartbeat ${HEARTBEAT}, instance TTL ${TTL_MS} ms)`,
      );
      const closed = offline.subscriptions.at(-1);
      assert.equal(closed.controlPlaneInstanceId, 'cp-a');
      // Closed when A was last seen alive: before the kill, never before the stream connected.
      assert.ok(Date.parse(closed.disconnectTime) <= killedAt, closed.disconnectTime);
      assert.ok(Date.parse(closed.disconnectTime) >= Date.parse(closed.connectTime));
      assert.equal(
        (await api(b, 'GET', '/meshes/default/dataplanes/web-1/_overview')).body.dataplaneInsight.connected,
        false,
      );
      assert.deepEqual(await meshDataplanes(b), { total: 1, online: 0, offline: 1, partiallyDegraded: 0 });
      assert.equal(
        (await api(b, 'GET', '/meshes/default/service-insights/web')).body.status,
        'offline',
        'the service too',
      );
      assert.ok(
        b.proc.lines.some((line) =>
          line.includes('closed the subscriptions of control-plane instances that stopped heartbeating'),
        ),
        'B says what it did',
      );
    });

    it('an instance restarted under the same id closes what its previous life left open, before any other notices', async () => {
      const url = await cluster!.database('restarted_instance');
      // A TTL no test waits for: only the restart can close the subscription.
      const a = await start(url, 'cp-a', '10m');
      const b = await start(url, 'cp-b', '10m');
      assert.equal((await api(a, 'PUT', '/meshes/default/dataplanes/web-2', consumerDataplane('web-2'))).status, 201);
      const client = await connect(a, 'web-2');
      await onlineAt(b, 'web-2', 'cp-a');
      await a.proc.stop('SIGKILL');
      client.close();
      // Still online: B waits for a TTL of ten minutes.
      assert.equal((await listedInsight(b, 'web-2'))?.connected, true);

      const restarted = await start(url, 'cp-a', '10m');
      const insight = await waitFor(
        'B to show web-2 offline after the restart',
        async () => {
          const seen = await listedInsight(b, 'web-2');
          return seen?.connected === false ? seen : undefined;
        },
        20_000,
      );
      assert.equal(insight.subscriptions.at(-1).controlPlaneInstanceId, 'cp-a');
      assert.equal((await listedInsight(restarted, 'web-2'))?.connected, false);
    });

    it('a clean stop closes the subscriptions of its proxies at once', async () => {
      const url = await cluster!.database('stopped_instance');
      const a = await start(url, 'cp-a', '10m');
      const b = await start(url, 'cp-b', '10m');
      assert.equal((await api(a, 'PUT', '/meshes/default/dataplanes/web-3', consumerDataplane('web-3'))).status, 201);
      await connect(a, 'web-3');
      await onlineAt(b, 'web-3', 'cp-a');
      assert.equal(await a.proc.stop('SIGTERM'), 0);
      // Written by A before it exited: B reads it at once from its index, no TTL involved.
      const insight = await waitFor(
        'B to show web-3 offline',
        async () => {
          const seen = await listedInsight(b, 'web-3');
          return seen?.connected === false ? seen : undefined;
        },
        10_000,
      );
      assert.ok(insight.subscriptions.at(-1).disconnectTime);
    });
  });
}
