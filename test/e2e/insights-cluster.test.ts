/**
 * Insights across a cluster: two control-plane instances on one PostgreSQL
 * server (the test's own, support/postgres-cluster.ts), a raw ADS client
 * standing for a proxyless dataplane connected to instance A only:
 *
 *   client ─ADS─► A ─► DataplaneInsight record ─► PostgreSQL change feed ─► B's index
 *
 * B's `_overview`, `mesh-insights` and `service-insights` show the proxy
 * online, held by A, then offline once its stream ends. The delay from the
 * client's first response to B showing it is printed as a diagnostic
 * (bench/ measures it properly).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { consumerDataplane } from '../support/ads-endpoints.js';
import { postgresBinDir, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.js';
import { startAdsClient, type AdsClient } from '../support/proxyless-ads.js';
import { waitFor } from '../support/proxyless-processes.js';

const scratch: string[] = [];
const running: RunningControlPlane[] = [];
const clients: AdsClient[] = [];
let cluster: PostgresCluster | undefined;

async function start(postgresUrl: string, instanceId: string): Promise<RunningControlPlane> {
  const dataDir = mkdtempSync(join(tmpdir(), 'koguma-insights-'));
  scratch.push(dataDir);
  const cp = await startControlPlane(
    resolveConfig(
      {
        apiPort: '0',
        xdsPort: '0',
        xdsTls: 'false',
        dpAuth: 'none',
        store: 'postgres',
        postgresUrl,
        instanceId,
        dataDir,
        dataplaneRemovalDelayMs: '10m',
      },
      {},
    ),
    { logger: pino({ level: 'silent' }) },
  );
  running.push(cp);
  return cp;
}

async function getJson(cp: RunningControlPlane, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${cp.apiUrl}${path}`);
  return { status: response.status, body: await response.json() };
}

/** The newest subscription in `cp`'s overview of web-1, when the dataplane exists there. */
async function subscriptionAt(cp: RunningControlPlane): Promise<any> {
  const { status, body } = await getJson(cp, '/meshes/default/dataplanes/web-1/_overview');
  return status === 200 ? (body.dataplaneInsight?.subscriptions ?? []).at(-1) : undefined;
}

if (postgresBinDir() !== undefined) {
  before(async () => {
    cluster = await startPostgresCluster();
  });
  after(async () => {
    for (const client of clients) client.close();
    for (const cp of running) await cp.close();
    await cluster?.destroy();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  describe('insights across two instances on one PostgreSQL', () => {
    it('a proxy connected to A is online in B’s overview, mesh insight and service insight, then offline when it leaves', async () => {
      const url = await cluster!.database('insights');
      const a = await start(url, 'cp-a');
      const b = await start(url, 'cp-b');
      assert.equal((await getJson(b, '/mesh-insights/default')).body.dataplanes.total, 0);

      const client = startAdsClient({
        xdsUrl: a.xdsUrl,
        nodeId: 'default.web-1',
        dataplane: consumerDataplane('web-1'),
        // Listeners too: a proxy that has just started is registered not ready until it accepts its listeners.
        subscribe: [{ typeUrl: TypeUrl.Cluster }, { typeUrl: TypeUrl.Listener }],
      });
      clients.push(client);
      await waitFor('a first response from A', () => (client.ofType(TypeUrl.Cluster).length > 0 ? true : undefined));
      const served = Date.now();
      const seen = await waitFor(
        'B to show web-1 connected to A',
        async () => {
          const subscription = await subscriptionAt(b);
          return subscription &&
            subscription.disconnectTime === undefined &&
            subscription.status?.cds?.responsesAcknowledged
            ? subscription
            : undefined;
        },
        10_000,
      );
      console.log(`# B showed the proxy connected to A ${Date.now() - served} ms after A's first response`);
      assert.equal(seen.controlPlaneInstanceId, 'cp-a');
      assert.ok(Date.parse(seen.connectTime) > 0);

      const overview = (await getJson(b, '/meshes/default/dataplanes/web-1/_overview')).body;
      assert.equal(overview.dataplaneInsight.connected, true);
      // Ready once its listeners are accepted (the Dataplane is written again): online, not merely connected.
      const mesh = await waitFor(
        'B’s mesh insight to count web-1 online',
        async () => {
          const { body } = await getJson(b, '/mesh-insights/default');
          return body.dataplanes.online === 1 ? body : undefined;
        },
        10_000,
      );
      assert.deepEqual(mesh.dataplanes, { total: 1, online: 1, offline: 0, partiallyDegraded: 0 });
      assert.deepEqual(mesh.dataplanesByType.standard, { total: 1, online: 1, offline: 0, partiallyDegraded: 0 });
      const service = (await getJson(b, '/meshes/default/service-insights/web')).body;
      assert.equal(service.status, 'online');
      assert.deepEqual(service.dataplanes, { total: 1, online: 1 });
      assert.deepEqual((await getJson(a, '/mesh-insights/default')).body.dataplanes, mesh.dataplanes, 'A and B agree');

      client.close();
      const left = Date.now();
      await waitFor(
        'B to show web-1 disconnected',
        async () => ((await subscriptionAt(b))?.disconnectTime !== undefined ? true : undefined),
        10_000,
      );
      console.log(`# B showed the disconnect ${Date.now() - left} ms after the stream ended`);
      assert.equal(
        (await getJson(b, '/meshes/default/dataplanes/web-1/_overview')).body.dataplaneInsight.connected,
        false,
      );
      assert.deepEqual((await getJson(b, '/mesh-insights/default')).body.dataplanes, {
        total: 1,
        online: 0,
        offline: 1,
        partiallyDegraded: 0,
      });
      assert.equal((await getJson(b, '/meshes/default/service-insights/web')).body.status, 'offline');
    });
  });
}
