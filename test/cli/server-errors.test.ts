/**
 * How the CLI reports an error the server found and the CLI could not: the
 * server's title and detail are printed and the command exits 1.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import { MESH_YAML, WEB_YAML } from './fixtures.js';
import { apiGet, killAll, runCli, testDataDir } from './harness.js';

let cp: RunningControlPlane;

before(async () => {
  // A body limit that a mesh fits in and a dataplane with a long label does not.
  const config = resolveConfig(
    { store: 'memory', apiPort: '0', xdsPort: '0', bodyLimitBytes: '400', dataDir: testDataDir() },
    {},
  );
  cp = await startControlPlane(config, { logger: pino({ level: 'silent' }) });
});
after(async () => {
  killAll();
  await cp.close();
});

test('a server error stops apply with its title and detail, naming the document', async () => {
  const labels = Array.from({ length: 10 }, (_, i) => `  k${i}: ${'x'.repeat(60)}`).join('\n');
  const big = WEB_YAML.replace('  team: storefront', labels);
  const result = await runCli(['--api-url', cp.apiUrl, 'apply', '-f', '-'], { input: [MESH_YAML, big].join('---\n') });
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, 'mesh "e2e" created\n');
  const [first, ...rest] = result.stderr.split('\n');
  assert.match(first ?? '', /^Error: <stdin>#2 dataplane "web-1": Payload too large: /);
  assert.ok(rest.includes('(1 earlier document of this apply was written)'), result.stderr);
  assert.equal((await apiGet(cp.apiUrl, '/meshes/e2e/dataplanes/web-1')).status, 404);
});
