/**
 * GET /meshes/{mesh}/dataplanes/{name}/policies through a real control
 * plane's HTTP server: Kuma's SidecarDataplane and MeshGatewayDataplane
 * shapes, and the 404s.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { killAll, startTestControlPlane } from '../cli/harness.js';
import { jsonCall, putOk, type JsonAnswer } from '../support/json-call.js';

let cp: RunningControlPlane;

const call = (method: string, path: string, body?: unknown): Promise<JsonAnswer> =>
  jsonCall(cp.apiUrl, method, path, body);

const put = (path: string, body: unknown): Promise<void> => putOk(cp.apiUrl, path, body);

const sidecar = (mesh: string, name: string) => ({
  type: 'Dataplane',
  mesh,
  name,
  networking: {
    address: '10.0.0.1',
    inbound: [{ port: 8080, tags: { 'kuma.io/service': name } }],
  },
});

before(async () => {
  cp = await startTestControlPlane();
  await put('/meshes/bare', { type: 'Mesh', name: 'bare', skipCreatingInitialPolicies: ['*'] });
  await put('/meshes/bare/dataplanes/lonely', sidecar('bare', 'lonely'));
  await put('/meshes/bare/dataplanes/web', sidecar('bare', 'web'));
  await put('/meshes/bare/meshtrafficpermissions/allow-web', {
    type: 'MeshTrafficPermission',
    mesh: 'bare',
    name: 'allow-web',
    spec: {
      targetRef: { kind: 'MeshSubset', tags: { 'kuma.io/service': 'web' } },
      from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'Allow' } }],
    },
  });
  await put('/meshes/bare/meshtimeouts/everyone', {
    type: 'MeshTimeout',
    mesh: 'bare',
    name: 'everyone',
    spec: { targetRef: { kind: 'Mesh' }, to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '5s' } }] },
  });
  await put('/meshes/bare/dataplanes/edge', {
    type: 'Dataplane',
    mesh: 'bare',
    name: 'edge',
    networking: { address: '10.0.0.2', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } },
  });
  await put('/meshes/bare/meshgateways/edge-gw', {
    type: 'MeshGateway',
    mesh: 'bare',
    name: 'edge-gw',
    selectors: [{ match: { 'kuma.io/service': 'edge' } }],
    conf: {
      listeners: [
        { port: 9090, protocol: 'TCP' },
        { port: 8080, protocol: 'HTTP', hostname: 'shop.example.com' },
        { port: 8080, protocol: 'HTTP' },
      ],
    },
  });
  await cp.settled();
});
after(async () => {
  killAll();
  await cp.close();
});

test('a sidecar lists the policies selecting it under one "dataplane" item, kinds sorted, as metadata', async () => {
  const { status, body } = await call('GET', '/meshes/bare/dataplanes/web/policies');
  assert.equal(status, 200);
  assert.equal(body.kind, 'SidecarDataplane');
  assert.equal(body.total, 1);
  const [item] = body.items;
  assert.equal(item.type, 'dataplane');
  assert.deepEqual(Object.keys(item.matchedPolicies), ['MeshTimeout', 'MeshTrafficPermission']);
  const [mtp] = item.matchedPolicies.MeshTrafficPermission;
  assert.deepEqual(
    { type: mtp.type, mesh: mtp.mesh, name: mtp.name, kri: mtp.kri, spec: mtp.spec },
    {
      type: 'MeshTrafficPermission',
      mesh: 'bare',
      name: 'allow-web',
      kri: 'kri_mtp_bare_default__allow-web_',
      spec: undefined,
    },
  );
});

test('a sidecar no policy of its own selects has only the mesh-wide ones; none at all gives an empty list', async () => {
  const lonely = await call('GET', '/meshes/bare/dataplanes/lonely/policies');
  assert.deepEqual(Object.keys(lonely.body.items[0].matchedPolicies), ['MeshTimeout']);
  assert.equal((await call('DELETE', '/meshes/bare/meshtimeouts/everyone')).status, 200);
  await cp.settled();
  assert.deepEqual((await call('GET', '/meshes/bare/dataplanes/lonely/policies')).body, {
    kind: 'SidecarDataplane',
    total: 0,
    items: [],
  });
});

test('a builtin gateway answers as a MeshGatewayDataplane: its MeshGateway and listeners by port', async () => {
  const { status, body } = await call('GET', '/meshes/bare/dataplanes/edge/policies');
  assert.equal(status, 200);
  assert.deepEqual(body, {
    kind: 'MeshGatewayDataplane',
    gateway: { mesh: 'bare', name: 'edge-gw' },
    listeners: [
      {
        port: 8080,
        protocol: 'HTTP',
        hosts: [
          { hostName: '*', routes: [] },
          { hostName: 'shop.example.com', routes: [] },
        ],
      },
      { port: 9090, protocol: 'TCP', hosts: [{ hostName: '*', routes: [] }] },
    ],
  });
});

test('an unknown dataplane or mesh is a 404 in Kuma’s error shape', async () => {
  const dp = await call('GET', '/meshes/bare/dataplanes/nobody/policies');
  assert.equal(dp.status, 404);
  assert.equal(dp.body.title, 'Could not get MatchedPolicies');
  const mesh = await call('GET', '/meshes/nowhere/dataplanes/web/policies');
  assert.equal(mesh.status, 404);
  assert.equal(mesh.body.title, 'Could not build MeshContext');
});
