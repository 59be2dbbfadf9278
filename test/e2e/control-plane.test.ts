/**
 * The control plane as operators run it: real sockets, real stores, restarts.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import { dataplane } from '../support/api.js';
import { createTestSchema } from '../support/store-postgres.js';

const silent = pino({ level: 'silent' });

const scratch: string[] = [];
after(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A control plane; without a data dir of the test's, one of its own (its API credentials live there). */
async function start(flags: Record<string, string>): Promise<RunningControlPlane> {
  let dataDir = flags['dataDir'];
  if (dataDir === undefined) scratch.push((dataDir = mkdtempSync(join(tmpdir(), 'koguma-cp-'))));
  return startControlPlane(resolveConfig({ apiPort: '0', xdsPort: '0', ...flags, dataDir }, {}), { logger: silent });
}

async function put(cp: RunningControlPlane, path: string, body: unknown): Promise<number> {
  const response = await fetch(`${cp.apiUrl}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

async function getJson(cp: RunningControlPlane, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${cp.apiUrl}${path}`);
  return { status: response.status, body: await response.json() };
}

const policy = {
  type: 'MeshTimeout',
  mesh: 'shop',
  name: 'web-timeouts',
  spec: {
    targetRef: { kind: 'MeshService', name: 'web' },
    to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '20s' } }],
  },
};

/** Writes a mesh, a dataplane and a policy; restarts; checks all three and the cluster id survived. */
async function assertRestartKeepsResources(flags: Record<string, string>): Promise<void> {
  let cp = await start(flags);
  try {
    assert.equal(await put(cp, '/meshes/shop', { type: 'Mesh', name: 'shop' }), 201);
    assert.equal(await put(cp, '/meshes/shop/dataplanes/web-1', dataplane('shop', 'web-1', 'web')), 201);
    assert.equal(await put(cp, '/meshes/shop/meshtimeouts/web-timeouts', policy), 201);
  } finally {
    await cp.close();
  }
  const clusterId = (await start(flags).then(async (again) => {
    cp = again;
    return (await getJson(cp, '/')).body.clusterId;
  })) as string;
  try {
    assert.equal((await getJson(cp, '/meshes/shop')).status, 200);
    const dp = await getJson(cp, '/meshes/shop/dataplanes/web-1');
    assert.equal(dp.status, 200);
    assert.deepEqual(dp.body.networking, dataplane('shop', 'web-1', 'web').networking);
    const timeout = await getJson(cp, '/meshes/shop/meshtimeouts/web-timeouts');
    assert.deepEqual(timeout.body.spec, policy.spec);
    const meshes = await getJson(cp, '/meshes');
    assert.deepEqual(
      meshes.body.items.map((m: { name: string }) => m.name),
      ['default', 'shop'],
      'the default mesh is created once',
    );
    assert.equal((await getJson(cp, '/meshes/default/meshtimeouts')).body.total, 1);
  } finally {
    await cp.close();
  }
  const third = await start(flags);
  try {
    assert.equal((await getJson(third, '/')).body.clusterId, clusterId, 'the cluster id is stable across restarts');
  } finally {
    await third.close();
  }
}

describe('control plane on real sockets', () => {
  test('serves the API on the port it reports, with the default mesh', async () => {
    const cp = await start({ store: 'memory' });
    try {
      assert.match(cp.apiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      const index = await getJson(cp, '/');
      assert.equal(index.body.product, 'Koguma');
      assert.equal(index.body.instanceId, cp.config.instanceId);
      assert.deepEqual(
        (await getJson(cp, '/meshes')).body.items.map((m: { name: string }) => m.name),
        ['default'],
      );
      const config = await getJson(cp, '/config');
      assert.equal(config.body.store, 'memory');
      assert.equal(config.body.apiPort, 0);
    } finally {
      await cp.close();
    }
  });

  test('close is idempotent and frees the port', async () => {
    const cp = await start({ store: 'memory' });
    await Promise.all([cp.close(), cp.close()]);
    await assert.rejects(fetch(`${cp.apiUrl}/`));
  });
});

describe('restart persistence', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('PGlite: every resource survives a restart on the same data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koguma-cp-'));
    dirs.push(dataDir);
    await assertRestartKeepsResources({ store: 'pglite', dataDir });
  });

  test('PGlite: a second control plane on the same data dir is refused while the first runs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koguma-cp-'));
    dirs.push(dataDir);
    const first = await start({ store: 'pglite', dataDir });
    try {
      await assert.rejects(start({ store: 'pglite', dataDir }), (error: Error) => {
        assert.match(error.message, /koguma\.lock|in use|locked/i);
        return true;
      });
      assert.equal((await getJson(first, '/meshes')).status, 200, 'the first keeps serving');
    } finally {
      await first.close();
    }
  });

  const serverUrl = process.env['KOGUMA_TEST_POSTGRES_URL'];
  if (serverUrl) {
    test('PostgreSQL: every resource survives a restart', async () => {
      const schema = await createTestSchema(serverUrl, 'cp_restart');
      try {
        await assertRestartKeepsResources({ store: 'postgres', postgresUrl: schema.url });
      } finally {
        await schema.drop();
      }
    });

    test('PostgreSQL: two instances serve the same resources', async () => {
      const schema = await createTestSchema(serverUrl, 'cp_two');
      const started = await Promise.allSettled([
        start({ store: 'postgres', postgresUrl: schema.url, instanceId: 'cp-a' }),
        start({ store: 'postgres', postgresUrl: schema.url, instanceId: 'cp-b' }),
      ]);
      const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      try {
        for (const s of started) if (s.status === 'rejected') throw s.reason;
        const [a, b] = running as [RunningControlPlane, RunningControlPlane];
        assert.equal((await getJson(a, '/meshes')).body.total, 1, 'one default mesh, although both started at once');
        assert.equal(await put(a, '/meshes/default/dataplanes/web-1', dataplane('default', 'web-1', 'web')), 201);
        assert.equal((await getJson(b, '/meshes/default/dataplanes/web-1')).status, 200);
        assert.equal((await getJson(a, '/')).body.clusterId, (await getJson(b, '/')).body.clusterId);
      } finally {
        await Promise.all(running.map((cp) => cp.close()));
        await schema.drop();
      }
    });
  }
});
