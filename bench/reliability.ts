/**
 * Reliability scenarios, measured: a PostgreSQL outage and the crash of one of
 * two control-plane instances, with real `koguma cp run` processes on a
 * PostgreSQL server of this run's own and raw ADS clients standing for
 * proxyless dataplanes (the end-to-end test's pieces, at a larger scale).
 *
 *   node dist/bench/reliability.js [--proxies 100] [--outage 60s] [--writes 20] [--removal-delay 5s] [--no-write]
 *
 * Outage: every proxy has the config; the server stops (crash) for --outage;
 * writes meanwhile (counted: 503s, other answers); a known proxy reconnects
 * during the outage (time to its config); the server starts; one change is
 * stored as soon as the API takes it, then more; time from the server's
 * start, and from each change's commit, until every proxy has it.
 * Crash: two instances, half the proxies on each; the first is SIGKILLed; half
 * of its proxies reconnect to the second (time to config), the rest are gone
 * (time until their Dataplanes are removed).
 * Prints a table; with --write (the default) replaces the section in
 * docs/benchmarks.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseDuration } from '../src/api/duration.js';
import { TypeUrl } from '../src/xds/resource-types.js';
import { backendDataplane, consumerDataplane, endpointPortsOf } from '../test/support/ads-endpoints.js';
import { startPostgresCluster } from '../test/support/postgres-cluster.js';
import { latestOf, startAdsClient, type AdsClient } from '../test/support/proxyless-ads.js';
import { api, cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../test/support/proxyless.js';

const { values } = parseArgs({
  options: {
    proxies: { type: 'string', default: '100' },
    outage: { type: 'string', default: '60s' },
    writes: { type: 'string', default: '20' },
    'removal-delay': { type: 'string', default: '5s' },
    'no-write': { type: 'boolean', default: false },
  },
});
const proxies = Number(values.proxies);
const outageMs = parseDuration(values.outage);
const writesDuring = Number(values.writes);
const removalDelay = values['removal-delay'];

const has = (client: AdsClient, port: number): boolean =>
  endpointPortsOf(latestOf(client, TypeUrl.ClusterLoadAssignment)).includes(port);

async function connect(cp: ControlPlaneProcess, ca: string, name: string): Promise<AdsClient> {
  return startAdsClient({
    xdsUrl: cp.xdsUrl,
    ca,
    nodeId: `default.${name}`,
    dataplane: consumerDataplane(name),
    subscribe: [{ typeUrl: TypeUrl.Cluster }, { typeUrl: TypeUrl.ClusterLoadAssignment, resourceNames: ['backend'] }],
  });
}

/** ms from `since` until every client has `port` among its endpoints. */
async function allHave(clients: readonly AdsClient[], port: number, since: number): Promise<number> {
  await waitFor(
    `every proxy to have endpoint ${port}`,
    () => (clients.every((c) => has(c, port)) ? true : undefined),
    120_000,
  );
  return Date.now() - since;
}

async function storeWhenBack(cp: ControlPlaneProcess, name: string, port: number): Promise<number> {
  return waitFor(
    `${name} stored`,
    async () => {
      const { status } = await api(cp, 'PUT', `/meshes/default/dataplanes/${name}`, backendDataplane(name, port));
      return status === 200 || status === 201 ? Date.now() : undefined;
    },
    120_000,
  );
}

const rows: [string, string][] = [];
const row = (what: string, figure: string): void => {
  rows.push([what, figure]);
  console.log(`${what}: ${figure}`);
};

const cluster = await startPostgresCluster();
const clients: AdsClient[] = [];
try {
  // ── Outage ──
  const cp = await startControlPlane({
    store: 'postgres',
    postgresUrl: await cluster.database('outage'),
    removalDelay,
  });
  const ca = readFileSync(cp.caCertFile, 'utf8');
  await api(cp, 'PUT', '/meshes/default/dataplanes/backend-1', backendDataplane('backend-1', 7001));
  for (let i = 0; i < proxies; i += 1) clients.push(await connect(cp, ca, `web-${i}`));
  await allHave(clients, 7001, Date.now());
  const baselineAt = await storeWhenBack(cp, 'before-1', 7100);
  const baselineMs = await allHave(clients, 7100, baselineAt);

  await cluster.stop('immediate');
  const stoppedAt = Date.now();
  const answers = new Map<number, number>();
  for (let i = 0; i < writesDuring; i += 1) {
    const { status } = await api(
      cp,
      'PUT',
      `/meshes/default/dataplanes/during-${i}`,
      backendDataplane(`during-${i}`, 8000 + i),
    );
    answers.set(status, (answers.get(status) ?? 0) + 1);
  }
  clients[0]!.close();
  const reconnectAt = Date.now();
  clients[0] = await connect(cp, ca, 'web-0');
  await allHave([clients[0]], 7001, reconnectAt);
  const reconnectMs = Date.now() - reconnectAt;
  const left = outageMs - (Date.now() - stoppedAt);
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  await cluster.start();
  const startedAt = Date.now();
  const firstAt = await storeWhenBack(cp, 'after-1', 7101);
  const firstMs = await allHave(clients, 7101, firstAt);
  const fromStartMs = Date.now() - startedAt;
  const laterAt = await storeWhenBack(cp, 'after-2', 7102);
  const laterMs = await allHave(clients, 7102, laterAt);

  row('proxies', String(proxies));
  row('a change before the outage: every proxy has it, after its commit', `${baselineMs} ms`);
  row('outage (server stopped, immediate mode)', `${Math.round((startedAt - stoppedAt) / 1000)} s`);
  row(`writes during the outage`, [...answers].map(([status, n]) => `${n} × ${status}`).join(', '));
  row('a known proxy reconnecting during the outage: config after', `${reconnectMs} ms`);
  row('first change after the restart: stored after the server started', `${firstAt - startedAt} ms`);
  row('first change: every proxy has it, after its commit', `${firstMs} ms`);
  row('first change: every proxy has it, after the server started', `${fromStartMs} ms`);
  row('next change: every proxy has it, after its commit', `${laterMs} ms`);
  for (const client of clients.splice(0)) client.close();
  await cp.proc.stop();

  // ── Crash of one of two instances ──
  const crashUrl = await cluster.database('crash');
  const options = {
    store: 'postgres',
    postgresUrl: crashUrl,
    removalDelay,
    extraArgs: ['--heartbeat-interval', '1s', '--instance-ttl', '5s'],
  } as const;
  const a = await startControlPlane({ ...options, instanceId: 'cp-a' });
  const b = await startControlPlane({ ...options, instanceId: 'cp-b' });
  const caA = readFileSync(a.caCertFile, 'utf8');
  const caB = readFileSync(b.caCertFile, 'utf8');
  await api(b, 'PUT', '/meshes/default/dataplanes/backend-1', backendDataplane('backend-1', 7001));
  const onA: AdsClient[] = [];
  for (let i = 0; i < proxies; i += 1)
    (i % 2 === 0 ? onA : clients).push(await connect(i % 2 === 0 ? a : b, i % 2 === 0 ? caA : caB, `p-${i}`));
  await allHave([...onA, ...clients], 7001, Date.now());
  await a.proc.stop('SIGKILL');
  const killedAt = Date.now();
  for (const client of onA) client.close();
  const moving = onA.map((_, j) => `p-${j * 2}`).filter((_, j) => j % 2 === 0);
  const gone = onA.map((_, j) => `p-${j * 2}`).filter((_, j) => j % 2 === 1);
  const moved: AdsClient[] = [];
  for (const name of moving) moved.push(await connect(b, caB, name));
  const movedMs = await allHave(moved, 7001, killedAt);
  clients.push(...moved);
  await waitFor(
    'the departed proxies removed',
    async () => {
      const names = new Set(
        ((await api(b, 'GET', '/meshes/default/dataplanes?size=1000')).body.items as { name: string }[]).map(
          (item) => item.name,
        ),
      );
      return gone.every((name) => !names.has(name)) && moving.every((name) => names.has(name)) ? true : undefined;
    },
    300_000,
  );
  const removedMs = Date.now() - killedAt;
  row(
    'kill -9 of one of two instances: proxies that reconnect to the other have config after',
    `${movedMs} ms (${moving.length} proxies)`,
  );
  row(
    `kill -9: departed proxies removed after (removal delay ${removalDelay}, instance TTL 5 s, heartbeat 1 s)`,
    `${removedMs} ms (${gone.length} proxies)`,
  );
} finally {
  for (const client of clients) client.close();
  await cleanUp();
  await cluster.destroy();
}

if (!values['no-write']) {
  const path = new URL('../../docs/benchmarks.md', import.meta.url);
  const doc = readFileSync(path, 'utf8');
  const heading = '## Reliability scenarios';
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [
    heading,
    '',
    '```sh',
    'npm run build',
    `node dist/bench/reliability.js --proxies ${proxies} --outage ${values.outage} --writes ${writesDuring} --removal-delay ${removalDelay}`,
    '```',
    '',
    "A PostgreSQL server of the run's own, `koguma cp run --store postgres` processes and raw ADS",
    'clients standing for proxyless dataplanes (bench/reliability.ts). The server is stopped in',
    '"immediate" mode (a crash) and started again; then one instance of two is killed with SIGKILL.',
    `Run ${when} UTC, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}:`,
    '',
    '| scenario | figure |',
    '|---|---|',
    ...rows.map(([what, figure]) => `| ${what} | ${figure} |`),
    '',
  ].join('\n');
  const start = doc.indexOf(heading);
  const next = start < 0 ? -1 : doc.indexOf('\n## ', start + heading.length);
  const updated =
    start < 0 ? `${doc.trimEnd()}\n\n${section}` : `${doc.slice(0, start)}${section}${next < 0 ? '' : doc.slice(next)}`;
  writeFileSync(path, updated.endsWith('\n') ? updated : `${updated}\n`);
  console.log('written to docs/benchmarks.md');
}
