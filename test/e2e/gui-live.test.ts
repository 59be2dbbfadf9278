/**
 * What the GUI follows, end to end, on an in-process control plane with a
 * real proxyless client (support/proxyless-ads.ts) that ACKs clusters and
 * NACKs endpoints: `/_events` tells its registration, connection, ACK, NACK
 * and disconnection; the overview filter `proxyType=grpc` finds it (the
 * node's flavour, recorded in its insight); `/_nacks`
 * lists its NACK; `/_instances` counts it on this instance; closing the
 * control plane ends the event stream.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { startAdsClient, type AdsClient } from '../support/proxyless-ads.js';
import { openEvents, type SseReader } from '../support/sse.js';

let cp: RunningControlPlane;
let dataDir: string;
let events: SseReader;
let client: AdsClient | undefined;

const get = async (path: string): Promise<any> => (await fetch(`${cp.apiUrl}${path}`)).json();
const grpcDataplane = {
  type: 'Dataplane',
  mesh: 'default',
  name: 'app-1',
  networking: {
    address: '127.0.0.1',
    inbound: [{ port: 40000, tags: { 'kuma.io/service': 'app', 'kuma.io/protocol': 'grpc' } }],
    outbound: [{ port: 10001, tags: { 'kuma.io/service': 'backend' } }],
  },
};

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'koguma-gui-live-'));
  cp = await startControlPlane(
    resolveConfig({ apiPort: '0', xdsPort: '0', store: 'memory', dataDir, insightFlushMs: '10ms', dpAuth: 'none' }, {}),
    { logger: pino({ level: 'silent' }) },
  );
  events = await openEvents(`${cp.apiUrl}/_events?mesh=default`);
  await events.event('hello');
});
after(async () => {
  client?.close();
  await events.close();
  await cp.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('a proxyless client registering, ACKing and NACKing is followed through the event stream', async () => {
  client = startAdsClient({
    xdsUrl: cp.xdsUrl,
    ...(cp.xdsCaCertFile === undefined ? {} : { ca: readFileSync(cp.xdsCaCertFile, 'utf8') }),
    nodeId: 'default.app-1',
    dataplane: grpcDataplane,
    subscribe: [{ typeUrl: TypeUrl.Cluster }, { typeUrl: TypeUrl.ClusterLoadAssignment, resourceNames: ['backend'] }],
    nack: TypeUrl.ClusterLoadAssignment,
    errorOf: () => 'app-1 refuses these endpoints',
  });
  const registered = await events.event('resource', (d) => d.type === 'Dataplane' && d.name === 'app-1');
  assert.equal(registered.data.op, 'create');
  const connected = await events.event('proxy', (d) => d.name === 'app-1' && d.change === 'connected');
  assert.equal(connected.data.instance, cp.config.instanceId);
  await events.event('proxy', (d) => d.name === 'app-1' && d.change === 'ack' && d.type === 'cds');
  const nack = await events.event('proxy', (d) => d.name === 'app-1' && d.change === 'nack');
  assert.deepEqual([nack.data.type, nack.data.error], ['eds', 'app-1 refuses these endpoints']);
});

test('the overview knows it for a proxyless gRPC application', async () => {
  const grpc = await get('/meshes/default/dataplanes/_overview?proxyType=grpc');
  assert.deepEqual(
    grpc.items.map((item: { name: string; proxyType: string }) => [item.name, item.proxyType]),
    [['app-1', 'grpc']],
  );
  assert.equal((await get('/dataplanes/_overview?proxyType=envoy')).total, 0);
});

test('/_nacks lists its NACK, /_instances counts it on this instance', async () => {
  const [latest] = (await get('/_nacks')).items;
  assert.deepEqual(
    [latest.mesh, latest.name, latest.type, latest.error, latest.instance],
    ['default', 'app-1', 'eds', 'app-1 refuses these endpoints', cp.config.instanceId],
  );
  const instances = await get('/_instances');
  assert.equal(instances.total, 1);
  const [self] = instances.items;
  assert.deepEqual(
    [self.id, self.self, self.alive, self.proxies, self.apiUrl],
    [cp.config.instanceId, true, true, 1, cp.apiUrl],
  );
  assert.equal(self.xdsUrl, cp.xdsUrl);
});

test('its disconnection is an event, and closing the control plane ends the stream', async () => {
  client!.close();
  const gone = await events.event('proxy', (d) => d.name === 'app-1' && d.change === 'disconnected');
  assert.equal(gone.data.connected, false);
  await cp.close();
  await events.ended();
});
