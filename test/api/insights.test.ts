/**
 * The insight endpoints through the real HTTP server of a control plane on a
 * memory store: Kuma's shapes, filters and pages, and bad input refused with
 * a 4xx in Kuma's error shape, changing nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import { dataplane } from '../support/api.js';
import { waitFor } from '../support/proxyless-processes.js';

let cp: RunningControlPlane;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'koguma-insights-api-'));
  cp = await startControlPlane(resolveConfig({ apiPort: '0', xdsPort: '0', store: 'memory', dataDir }, {}), {
    logger: pino({ level: 'silent' }),
  });
  await put('/meshes/shop', { type: 'Mesh', name: 'shop' });
  for (const [name, service] of [
    ['web-1', 'web'],
    ['web-2', 'web'],
    ['backend-1', 'backend'],
    ['frontend-1', 'frontend'],
  ] as const)
    await put(`/meshes/shop/dataplanes/${name}`, dataplane('shop', name, service));
  await put('/meshes/shop/dataplanes/edge', {
    type: 'Dataplane',
    mesh: 'shop',
    name: 'edge',
    networking: { address: '10.0.0.9', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } },
  });
  // Insights follow the change feed: wait until the last write is counted.
  await waitFor('the mesh insight to count every dataplane', async () =>
    (await get('/mesh-insights/shop')).body?.dataplanes?.total === 5 ? true : undefined,
  );
});
after(async () => {
  await cp.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function put(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${cp.apiUrl}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(response.status < 300, `${path}: ${await response.text()}`);
}

async function get(path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${cp.apiUrl}${path}`);
  return { status: response.status, body: await response.json() };
}

describe('insights over HTTP', () => {
  it('a mesh insight counts dataplanes by status and type, policies and resources', async () => {
    const { status, body } = await get('/mesh-insights/shop');
    assert.equal(status, 200);
    assert.equal(body.type, 'MeshInsight');
    assert.deepEqual(body.dataplanes, { total: 5, online: 0, offline: 5, partiallyDegraded: 0 });
    assert.deepEqual(body.dataplanesByType.standard, { total: 4, online: 0, offline: 4, partiallyDegraded: 0 });
    assert.deepEqual(body.dataplanesByType.gatewayBuiltin, { total: 1, online: 0, offline: 1, partiallyDegraded: 0 });
    assert.deepEqual(body.dataplanesByType.gateway, body.dataplanesByType.gatewayBuiltin);
    assert.deepEqual(body.services, { total: 4, internal: 4, external: 0 });
    assert.deepEqual(body.policies, {
      MeshCircuitBreaker: { total: 1 },
      MeshRetry: { total: 1 },
      MeshTimeout: { total: 1 },
    });
    assert.equal(body.resources.Dataplane.total, 5);
    const list = await get('/mesh-insights?size=1');
    assert.deepEqual(
      [list.body.total, list.body.items.map((item: { name: string }) => item.name), list.body.next],
      [2, ['default'], `${cp.apiUrl}/mesh-insights?offset=1&size=1`],
    );
  });

  it('service insights: one per service, filtered by name and type, paged with Kuma’s next link', async () => {
    const all = await get('/meshes/shop/service-insights');
    assert.deepEqual(
      all.body.items.map((item: { name: string }) => item.name),
      ['backend', 'edge', 'frontend', 'web'],
    );
    const web = await get('/meshes/shop/service-insights/web');
    assert.deepEqual(web.body, {
      type: 'ServiceInsight',
      mesh: 'shop',
      name: 'web',
      creationTime: web.body.creationTime,
      modificationTime: web.body.modificationTime,
      status: 'offline',
      dataplanes: { total: 2, offline: 2 },
      addressPort: 'web.mesh:80',
    });
    const gateways = await get('/meshes/shop/service-insights?type=gateway_builtin');
    assert.deepEqual(
      gateways.body.items.map((item: { name: string; serviceType: string }) => [item.name, item.serviceType]),
      [['edge', 'gateway_builtin']],
    );
    const page = await get('/meshes/shop/service-insights?size=1&name=end');
    assert.deepEqual(
      [page.body.total, page.body.items[0].name, page.body.next],
      [2, 'backend', `${cp.apiUrl}/meshes/shop/service-insights?name=end&offset=1&size=1`],
    );
    const second = await get('/meshes/shop/service-insights?size=1&offset=1&name=end');
    assert.deepEqual([second.body.items[0].name, second.body.next], ['frontend', null]);
  });

  it('global insights count meshes; the GUI’s global insight sums every mesh', async () => {
    assert.deepEqual((await get('/global-insights')).body.resources.Mesh, { total: 2 });
    const global = (await get('/global-insight')).body;
    assert.deepEqual(global.meshes, { total: 2 });
    assert.deepEqual(global.dataplanes.standard, { total: 4, online: 0, offline: 4, partiallyDegraded: 0 });
    assert.deepEqual(global.services.internal, { total: 3, online: 0, offline: 3, partiallyDegraded: 0 });
    assert.deepEqual(global.services.gatewayBuiltin, { total: 1, online: 0, offline: 1, partiallyDegraded: 0 });
  });

  it('an overview of a proxy that never connected has no insight, as Kuma answers', async () => {
    const { body } = await get('/meshes/shop/dataplanes/web-1/_overview');
    assert.equal(body.type, 'DataplaneOverview');
    assert.equal(body.dataplaneInsight, undefined);
  });

  it('bad input is refused in Kuma’s error shape and changes nothing', async () => {
    const before = (await get('/mesh-insights/shop')).body;
    const refusals: [string, number, string][] = [
      ['/mesh-insights/nope', 404, 'mesh "nope" not found'],
      ['/meshes/nope/service-insights', 404, 'mesh "nope" not found'],
      ['/meshes/nope/service-insights/web', 404, 'mesh "nope" not found'],
      ['/meshes/shop/service-insights/nope', 404, 'service "nope" in mesh "shop" not found'],
      ['/mesh-insights?size=0', 400, 'Invalid page size'],
      ['/mesh-insights?size=1000000', 400, 'Invalid page size'],
      ['/meshes/shop/service-insights?size=0', 400, 'Invalid page size'],
      [
        '/meshes/shop/service-insights?offset=-1',
        400,
        'invalid: invalid offset: strconv.Atoi: parsing "-1": value out of range',
      ],
      ['/meshes/shop/service-insights?type=internal,sidecar', 400, 'unsupported service type'],
      ['/meshes/shop/service-insights?tag=a:b', 400, 'Resource is not valid'],
    ];
    for (const [path, status, detail] of refusals) {
      const { status: got, body } = await get(path);
      assert.equal(got, status, path);
      assert.equal(body.type, '/std-errors', path);
      assert.equal(body.status, status, path);
      assert.equal(body.detail, detail, path);
    }
    const { body: after } = await get('/mesh-insights/shop');
    assert.deepEqual({ ...after, modificationTime: 0 }, { ...before, modificationTime: 0 });
  });
});
