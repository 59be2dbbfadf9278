/**
 * `--mode global` through real control planes: the flag and its refusal,
 * `/config`, the origin labels writes get, and `_hostnames` answered as
 * Kuma's global control plane answers it, beside a zone-mode control plane
 * given the same resources.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { isKogumaError } from '../../src/api/index.js';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import { killAll, runCli, testDataDir } from '../cli/harness.js';

let global: RunningControlPlane;
let zone: RunningControlPlane;

const start = (mode: string): Promise<RunningControlPlane> =>
  startControlPlane(
    resolveConfig({ store: 'memory', apiPort: '0', xdsPort: '0', dataDir: testDataDir() }, { KOGUMA_MODE: mode }),
    {
      logger: pino({ level: 'silent' }),
    },
  );

async function call(
  cp: RunningControlPlane,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(cp.apiUrl + path, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

before(async () => {
  [global, zone] = await Promise.all([start('global'), start('zone')]);
});
after(async () => {
  killAll();
  await Promise.all([global.close(), zone.close()]);
});

test('--mode is zone by default, global by flag or KOGUMA_MODE, and anything else is refused naming it', () => {
  assert.equal(resolveConfig({}, {}).mode, 'zone');
  assert.equal(resolveConfig({ mode: 'global' }, {}).mode, 'global');
  assert.equal(resolveConfig({}, { KOGUMA_MODE: 'global' }).mode, 'global');
  assert.equal(resolveConfig({ mode: 'zone' }, { KOGUMA_MODE: 'global' }).mode, 'zone');
  for (const [flags, env, field] of [
    [{ mode: 'regional' }, {}, '--mode'],
    [{}, { KOGUMA_MODE: 'Global' }, 'KOGUMA_MODE'],
  ] as const) {
    assert.throws(
      () => resolveConfig(flags, env),
      (error) =>
        isKogumaError(error) &&
        error.invalidParameters.some((p) => p.field === field && p.reason === 'must be one of: zone, global'),
    );
  }
});

test('cp run --mode with a bad value does not start, and says which flag is wrong', async () => {
  const result = await runCli(['cp', 'run', '--store', 'memory', '--api-port', '0', '--mode', 'federated']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /\n {2}--mode: must be one of: zone, global\n/);
});

test('/config says which mode the control plane runs in', async () => {
  const [g, z] = [(await call(global, 'GET', '/config')).body, (await call(zone, 'GET', '/config')).body];
  assert.equal(g.mode, 'global');
  assert.equal(z.mode, 'zone');
  assert.deepEqual(z.multizone, { zone: { name: 'default' } });
  assert.equal(g.multizone.zone, undefined);
});

test('in global mode a write gets kuma.io/origin global and no zone or env label; in zone mode the zone ones', async () => {
  const policy = {
    type: 'MeshTimeout',
    mesh: 'default',
    name: 'slow',
    spec: { targetRef: { kind: 'Mesh' }, to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '5s' } }] },
  };
  for (const [cp, labels] of [
    [global, { 'kuma.io/mesh': 'default', 'kuma.io/origin': 'global' }],
    [
      zone,
      { 'kuma.io/mesh': 'default', 'kuma.io/origin': 'zone', 'kuma.io/zone': 'default', 'kuma.io/env': 'universal' },
    ],
  ] as const) {
    assert.equal((await call(cp, 'PUT', '/meshes/default/meshtimeouts/slow', policy)).status, 201);
    assert.deepEqual((await call(cp, 'GET', '/meshes/default/meshtimeouts/slow')).body.labels, labels);
  }
  // The default mesh, made at the first start, is the global control plane's too.
  assert.deepEqual((await call(global, 'GET', '/meshes/default')).body.labels, { 'kuma.io/origin': 'global' });
  assert.equal((await call(zone, 'GET', '/meshes/default')).body.labels, undefined);
  const zoneDoc = { type: 'Zone', name: 'east' };
  assert.equal((await call(global, 'PUT', '/zones/east', zoneDoc)).status, 201);
  assert.deepEqual((await call(global, 'GET', '/zones/east')).body.labels, { 'kuma.io/origin': 'global' });
});

test('in global mode a write naming another origin is refused, and nothing is stored', async () => {
  const mesh = {
    type: 'MeshTimeout',
    mesh: 'default',
    name: 'from-zone',
    labels: { 'kuma.io/origin': 'zone' },
    spec: { targetRef: { kind: 'Mesh' }, to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '5s' } }] },
  };
  const put = await call(global, 'PUT', '/meshes/default/meshtimeouts/from-zone', mesh);
  assert.equal(put.status, 400);
  assert.deepEqual(put.body.invalid_parameters, [
    { field: 'labels["kuma.io/origin"]', reason: "the origin label must be set to 'global'" },
  ]);
  assert.equal((await call(global, 'GET', '/meshes/default/meshtimeouts/from-zone')).status, 404);
});

test('_hostnames: a global control plane matches generator selectors with either origin, a zone the service’s own', async () => {
  const generator = {
    type: 'HostnameGenerator',
    name: 'synced',
    labels: { 'kuma.io/origin': 'global' },
    spec: {
      selector: { meshService: { matchLabels: { 'kuma.io/origin': 'global' } } },
      template: '{{ .DisplayName }}.{{ .Zone }}.mesh.local',
    },
  };
  // As a zone syncs it to the global control plane: origin zone, its zone's name.
  const synced = {
    kind: 'MeshService',
    mesh: 'default',
    name: 'api',
    labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east', 'kuma.io/mesh': 'default' },
    spec: { selector: { dataplaneTags: { app: 'api' } }, ports: [{ port: 80 }] },
  };
  for (const cp of [global, zone]) {
    assert.equal((await call(cp, 'PUT', '/hostnamegenerators/synced', generator)).status, 201);
    await cp.store.create(synced);
  }
  // The zone's own default generator names it; the one for synced services does not.
  assert.deepEqual((await call(zone, 'GET', '/meshes/default/meshservices/api/_hostnames')).body, {
    items: [{ hostname: 'api.svc.mesh.local', zones: [{ name: 'east' }] }],
    total: 1,
  });
  assert.deepEqual((await call(global, 'GET', '/meshes/default/meshservices/api/_hostnames')).body, {
    items: [{ hostname: 'api.east.mesh.local', zones: [{ name: 'east' }] }],
    total: 1,
  });
});
