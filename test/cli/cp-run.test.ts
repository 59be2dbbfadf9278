/**
 * `koguma cp run` as a real child process: it listens on the port it logs,
 * answers the API, stops cleanly on SIGTERM, refuses bad configuration, and with
 * the embedded store keeps resources across restarts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { MESH_YAML, scratchDir } from './fixtures.js';
import { apiGet, exitWithin, killAll, runCli, spawnControlPlane } from './harness.js';

after(() => killAll());

test('cp run --store memory listens where it logs, answers GET /, and exits 0 on SIGTERM', async () => {
  const cp = await spawnControlPlane(['--store', 'memory']);
  const index = await apiGet(cp.apiUrl, '/');
  assert.equal(index.status, 200);
  assert.equal((index.body as { product: string }).product, 'Koguma');
  assert.match(cp.output(), /store: memory/);
  cp.child.kill('SIGTERM');
  assert.equal(await exitWithin(cp.exited, 60_000), 0, cp.output());
});

test('cp run exits 0 on SIGINT too', async () => {
  const cp = await spawnControlPlane(['--store', 'memory']);
  cp.child.kill('SIGINT');
  assert.equal(await exitWithin(cp.exited, 60_000), 0, cp.output());
});

test('a bad flag is refused with the flag named, exit 1', async () => {
  const result = await runCli(['cp', 'run', '--store', 'floppy', '--api-port', '70000']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Error: invalid control-plane configuration\n/);
  assert.match(result.stderr, /\n {2}--api-port: must be a port between 0 and 65535\n/);
  assert.match(result.stderr, /\n {2}--store: must be one of: memory, pglite, postgres\n/);
});

test('an unreachable PostgreSQL is a startup failure, exit 1', async () => {
  const result = await runCli([
    'cp',
    'run',
    '--api-port',
    '0',
    '--store',
    'postgres',
    '--postgres-url',
    'postgres://koguma@127.0.0.1:1/koguma',
  ]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Error: cannot start the control plane: .*127\.0\.0\.1:1/);
});

test('cp run --store pglite keeps resources across a restart on the same data dir, and locks it while running', async () => {
  const scratch = await scratchDir();
  try {
    const first = await spawnControlPlane(['--store', 'pglite', '--data-dir', scratch.dir]);
    const applied = await runCli(['--api-url', first.apiUrl, 'apply', '-f', '-'], { input: MESH_YAML });
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.stdout, 'mesh "e2e" created\n');

    const second = await runCli([
      'cp',
      'run',
      '--api-port',
      '0',
      '--xds-port',
      '0',
      '--store',
      'pglite',
      '--data-dir',
      scratch.dir,
    ]);
    assert.equal(second.code, 1, 'a second control plane on the same data dir is refused');
    assert.match(second.stderr, /^Error: cannot start the control plane: .*in use/);

    first.child.kill('SIGTERM');
    assert.equal(await exitWithin(first.exited, 60_000), 0, first.output());

    const again = await spawnControlPlane(['--store', 'pglite', '--data-dir', scratch.dir]);
    const mesh = await runCli(['--api-url', again.apiUrl, 'get', 'mesh', 'e2e', '-o', 'json']);
    assert.equal(mesh.code, 0, mesh.stderr);
    assert.equal((JSON.parse(mesh.stdout) as { mtls: { enabledBackend: string } }).mtls.enabledBackend, 'ca-1');
    const reapplied = await runCli(['--api-url', again.apiUrl, 'apply', '-f', '-'], { input: MESH_YAML });
    assert.equal(reapplied.stdout, 'mesh "e2e" unchanged\n');
    again.child.kill('SIGTERM');
    assert.equal(await exitWithin(again.exited, 60_000), 0, again.output());
  } finally {
    await scratch.remove();
  }
});
