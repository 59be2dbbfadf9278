/**
 * What `koguma cp run` leaves in its data dir: files only its owner can read
 * (the embedded database's write-ahead log holds mesh CA and signing keys),
 * a data dir others had opened made owner-only again at start, and nothing at
 * all when it cannot listen on its ports.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { ALL_YAML, scratchDir } from './fixtures.js';
import { apiGet, exitWithin, killAll, runCli, spawnControlPlane } from './harness.js';

after(() => killAll());

/** Every path under `root` (itself included) whose mode gives group or others any access, with its mode. */
function openToOthers(root: string): string[] {
  const open: string[] = [];
  const visit = (path: string): void => {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return;
    if ((stats.mode & 0o077) !== 0) open.push(`${path} ${(stats.mode & 0o777).toString(8)}`);
    if (stats.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return open;
}

/** Every path under `root`, itself included. */
function everything(root: string): string[] {
  const paths = [root];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    paths.push(...(entry.isDirectory() ? everything(path) : [path]));
  }
  return paths;
}

/** Waits (bounded) until the mesh's builtin CA has been generated and stored as its Secrets. */
async function meshCaStored(apiUrl: string, mesh: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const secrets = await apiGet(apiUrl, `/meshes/${mesh}/secrets`);
    if (((secrets.body as { total?: number }).total ?? 0) > 0) return;
    if (Date.now() > deadline) assert.fail(`no Secret of mesh ${mesh} within 60 s: ${JSON.stringify(secrets.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(cp: Awaited<ReturnType<typeof spawnControlPlane>>): Promise<void> {
  cp.child.kill('SIGTERM');
  assert.equal(await exitWithin(cp.exited, 60_000), 0, cp.output());
}

test('a new data dir holds only owner-only files and directories, keys and database included', async () => {
  const scratch = await scratchDir();
  try {
    const dataDir = join(scratch.dir, 'data');
    const cp = await spawnControlPlane(['--store', 'pglite', '--data-dir', dataDir]);
    // A mesh with builtin mTLS: its CA and key are generated and stored.
    const applied = await runCli(['--api-url', cp.apiUrl, 'apply', '-f', '-'], { input: ALL_YAML });
    assert.equal(applied.code, 0, applied.stderr);
    await meshCaStored(cp.apiUrl, 'e2e');
    await stop(cp);

    assert.ok(everything(dataDir).length > 100, 'the database, keys and tokens are there');
    assert.deepEqual(openToOthers(dataDir), []);
  } finally {
    await scratch.remove();
  }
});

test('a data dir open to group and others is made owner-only at start, and the log says so', async () => {
  const scratch = await scratchDir();
  try {
    const dataDir = join(scratch.dir, 'data');
    await stop(await spawnControlPlane(['--store', 'pglite', '--data-dir', dataDir]));
    // As an earlier version, a copy or a careless chmod -R would leave it.
    for (const path of everything(dataDir)) await chmod(path, lstatSync(path).isDirectory() ? 0o777 : 0o666);
    assert.ok(openToOthers(dataDir).length > 100);

    const cp = await spawnControlPlane(['--store', 'pglite', '--data-dir', dataDir]);
    assert.deepEqual(openToOthers(dataDir), []);
    assert.match(cp.output(), /made \d+ files and \d+ directories under .* owner-only/);
    assert.equal((await apiGet(cp.apiUrl, '/meshes/default')).status, 200, 'the tightened database opens');
    await stop(cp);
  } finally {
    await scratch.remove();
  }
});

async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

for (const [flag, env, other] of [
  ['--xds-port', 'KOGUMA_XDS_PORT', '--api-port'],
  ['--api-port', 'KOGUMA_API_PORT', '--xds-port'],
] as const) {
  test(`a ${flag} taken by another process is named with its variable, and nothing is written`, async () => {
    const scratch = await scratchDir();
    const held = await holdPort();
    try {
      const dataDir = join(scratch.dir, 'data');
      const result = await runCli(['cp', 'run', flag, String(held.port), other, '0', '--data-dir', dataDir]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`^Error: port ${held.port} on 127\\.0\\.0\\.1 is already in use`));
      assert.ok(result.stderr.includes(flag) && result.stderr.includes(env), result.stderr);
      assert.equal(existsSync(dataDir), false, 'no data dir, lock or database was written');
    } finally {
      held.server.close();
      await scratch.remove();
    }
  });
}
