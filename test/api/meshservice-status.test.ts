/**
 * A MeshService read through the REST API shows the status Kuma's zone keeps:
 * how many Dataplanes it selects, how many of them are connected and healthy,
 * and the addresses its HostnameGenerators give it; a status stored with the
 * service stands as stored.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { killAll, startTestControlPlane } from '../cli/harness.js';
import { jsonCall, type JsonAnswer } from '../support/json-call.js';

let cp: RunningControlPlane;

const call = (method: string, path: string, body?: unknown): Promise<JsonAnswer> =>
  jsonCall(cp.apiUrl, method, path, body);

const dataplane = (name: string, app: string, state?: 'NotReady') => ({
  type: 'Dataplane',
  mesh: 'st',
  name,
  networking: {
    address: '10.0.0.1',
    inbound: [{ port: 8080, tags: { 'kuma.io/service': app, app }, ...(state === undefined ? {} : { state }) }],
  },
});

const service = (name: string, app: string) => ({
  type: 'MeshService',
  mesh: 'st',
  name,
  spec: { selector: { dataplaneTags: { app } }, ports: [{ port: 80, targetPort: 8080, appProtocol: 'http' }] },
});

before(async () => {
  cp = await startTestControlPlane();
  for (const document of [
    { type: 'Mesh', name: 'st' },
    dataplane('web-1', 'web'),
    dataplane('web-2', 'web', 'NotReady'),
    dataplane('api-1', 'api'),
    service('web', 'web'),
    service('nobody', 'nobody'),
  ]) {
    const path =
      document.type === 'Mesh' ? `/meshes/st` : `/meshes/st/${document.type.toLowerCase()}s/${document.name}`;
    assert.equal((await call('PUT', path, document)).status, 201, path);
  }
  // web-1's proxy holds an open subscription; api-1's has closed its own.
  const subscription = { id: 's1', controlPlaneInstanceId: 'cp-1', connectTime: '2026-01-01T00:00:00Z' };
  await cp.store.writeRecords('DataplaneInsight', [{ mesh: 'st', name: 'web-1' }], () => ({
    spec: { subscriptions: [subscription] },
  }));
  await cp.store.writeRecords('DataplaneInsight', [{ mesh: 'st', name: 'api-1' }], () => ({
    spec: { subscriptions: [{ ...subscription, disconnectTime: '2026-01-01T00:01:00Z' }] },
  }));
  await cp.settled();
});
after(async () => {
  killAll();
  await cp.close();
});

const webStatus = {
  addresses: [
    {
      hostname: 'web.svc.mesh.local',
      origin: 'HostnameGenerator',
      hostnameGeneratorRef: { coreName: 'local-universal-mesh-service' },
    },
  ],
  tls: {},
  dataplaneProxies: { connected: 1, healthy: 1, total: 2 },
};

test('one MeshService: its selected, connected and healthy proxies and its generated address', async () => {
  const { status, body } = await call('GET', '/meshes/st/meshservices/web');
  assert.equal(status, 200);
  assert.deepEqual(body.status, webStatus);
});

test('a list shows each service its own counts; zero counts are left out, as Kuma leaves them out', async () => {
  const { status, body } = await call('GET', '/meshes/st/meshservices');
  assert.equal(status, 200);
  const byName = new Map<string, any>(
    body.items.map((item: { name: string; status: unknown }) => [item.name, item.status]),
  );
  assert.deepEqual(byName.get('web'), webStatus);
  assert.deepEqual(byName.get('nobody'), {
    ...webStatus,
    addresses: [{ ...webStatus.addresses[0], hostname: 'nobody.svc.mesh.local' }],
    dataplaneProxies: {},
  });
  const across = await call('GET', '/meshservices');
  assert.deepEqual(across.body.items.find((item: { name: string }) => item.name === 'web')?.status, webStatus);
});

test('a closed subscription, a deleted proxy and a removed generator change what is shown', async () => {
  await cp.store.writeRecords('DataplaneInsight', [{ mesh: 'st', name: 'web-1' }], () => ({
    spec: {
      subscriptions: [
        {
          id: 's1',
          controlPlaneInstanceId: 'cp-1',
          connectTime: '2026-01-01T00:00:00Z',
          disconnectTime: '2026-01-01T00:02:00Z',
        },
      ],
    },
  }));
  assert.equal((await call('DELETE', '/meshes/st/dataplanes/web-2')).status, 200);
  assert.equal((await call('DELETE', '/hostnamegenerators/local-universal-mesh-service')).status, 200);
  await cp.settled();
  const { body } = await call('GET', '/meshes/st/meshservices/web');
  assert.deepEqual(body.status, { tls: {}, dataplaneProxies: { healthy: 1, total: 1 } });
});

test('a status stored with the service (synced or imported) stands as stored', async () => {
  const stored = { vips: [{ ip: '10.0.0.2' }], tls: { status: 'Ready' }, dataplaneProxies: { total: 7 } };
  const created = await cp.store.create({
    kind: 'MeshService',
    mesh: 'st',
    name: 'imported',
    labels: {},
    spec: service('imported', 'web').spec,
    status: stored,
  });
  assert.equal(created.name, 'imported');
  const { body } = await call('GET', '/meshes/st/meshservices/imported');
  assert.deepEqual(body.status, stored);
});
