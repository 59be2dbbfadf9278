/**
 * `koguma apply` end to end: the built CLI as a child process against a real
 * control plane; what was written is checked through the REST API itself.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { ALL_YAML, BACKEND_YAML, MESH_YAML, PERMISSION_YAML, WEB_YAML, scratchDir } from './fixtures.js';
import { apiGet, killAll, runCli, startTestControlPlane } from './harness.js';

let cp: RunningControlPlane;
let scratch: Awaited<ReturnType<typeof scratchDir>>;
const koguma = (args: string[], input?: string) =>
  runCli(['--api-url', cp.apiUrl, ...args], input === undefined ? {} : { input });
const lines = (text: string) => text.split('\n').filter((line) => line !== '');

before(async () => {
  cp = await startTestControlPlane();
  scratch = await scratchDir();
});
after(async () => {
  killAll();
  await cp.close();
  await scratch.remove();
});

test('applying a multi-document Kuma YAML creates every resource, the mesh first', async () => {
  const file = await scratch.write('all.yaml', ALL_YAML);
  const result = await koguma(['apply', '-f', file]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), [
    'mesh "e2e" created',
    'meshtrafficpermission "web-to-backend" created',
    'dataplane "web-1" created',
    'dataplane "backend-1" created',
  ]);
  assert.equal((await apiGet(cp.apiUrl, '/meshes/e2e/dataplanes/web-1')).status, 200);
  assert.equal((await apiGet(cp.apiUrl, '/meshes/e2e/meshtrafficpermissions/web-to-backend')).status, 200);
});

test('applying the same documents again leaves everything unchanged', async () => {
  const before = (await apiGet(cp.apiUrl, '/meshes/e2e/dataplanes/web-1')).body as { modificationTime: string };
  const result = await koguma(['apply', '-f', await scratch.write('all.yaml', ALL_YAML)]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), [
    'mesh "e2e" unchanged',
    'meshtrafficpermission "web-to-backend" unchanged',
    'dataplane "web-1" unchanged',
    'dataplane "backend-1" unchanged',
  ]);
  const now = (await apiGet(cp.apiUrl, '/meshes/e2e/dataplanes/web-1')).body as { modificationTime: string };
  assert.equal(now.modificationTime, before.modificationTime, 'an unchanged resource is not rewritten');
});

test('changing one document updates only that one', async () => {
  const changed = [PERMISSION_YAML, MESH_YAML, WEB_YAML.replace('version: v1', 'version: v2'), BACKEND_YAML].join(
    '---\n',
  );
  const result = await koguma(['apply', '-f', await scratch.write('changed.yaml', changed)]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), [
    'mesh "e2e" unchanged',
    'meshtrafficpermission "web-to-backend" unchanged',
    'dataplane "web-1" updated',
    'dataplane "backend-1" unchanged',
  ]);
  const web = (await apiGet(cp.apiUrl, '/meshes/e2e/dataplanes/web-1')).body as {
    networking: { inbound: { tags: Record<string, string> }[] };
  };
  assert.equal(web.networking.inbound[0]?.tags['version'], 'v2');
});

test('--dry-run says what would happen and writes nothing', async () => {
  const extra = BACKEND_YAML.replace('name: backend-1', 'name: backend-2').replace('10.0.0.2', '10.0.0.3');
  const text = [WEB_YAML.replace('version: v1', 'version: v3'), BACKEND_YAML, extra].join('---\n');
  const result = await koguma(['apply', '--dry-run', '-f', await scratch.write('dry.yaml', text)]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), [
    'dataplane "web-1" updated (dry run)',
    'dataplane "backend-1" unchanged (dry run)',
    'dataplane "backend-2" created (dry run)',
  ]);
  assert.equal((await apiGet(cp.apiUrl, '/meshes/e2e/dataplanes/backend-2')).status, 404);
  const web = (await apiGet(cp.apiUrl, '/meshes/e2e/dataplanes/web-1')).body as {
    networking: { inbound: { tags: Record<string, string> }[] };
  };
  assert.equal(web.networking.inbound[0]?.tags['version'], 'v2');
});

test('one invalid document among valid ones: exit 1, the field is named, and nothing is written', async () => {
  const invalidTimeout = `type: MeshTimeout
mesh: e2e-bad
name: slow
spec:
  targetRef:
    kind: Mesh
  to:
    - targetRef:
        kind: Mesh
      default:
        idleTimeout: forever
`;
  const text = [
    MESH_YAML.replace('name: e2e', 'name: e2e-bad'),
    WEB_YAML.replace('mesh: e2e', 'mesh: e2e-bad'),
    invalidTimeout,
  ].join('---\n');
  const file = await scratch.write('invalid.yaml', text);
  const result = await koguma(['apply', '-f', file]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /nothing was applied/);
  assert.ok(
    result.stderr.includes(`${file}#3 MeshTimeout slow: spec.to[0].default.idleTimeout: must be a duration`),
    result.stderr,
  );
  assert.equal((await apiGet(cp.apiUrl, '/meshes/e2e-bad')).status, 404, 'the valid mesh before it was not written');
});

test('malformed YAML: exit 1 with the position, nothing written', async () => {
  const text = `${MESH_YAML.replace('name: e2e', 'name: e2e-malformed')}---\ntype: Dataplane\nname: [broken\n`;
  const result = await koguma(['apply', '-f', await scratch.write('malformed.yaml', text)]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^Error: cannot parse the input; nothing was applied\n.*malformed\.yaml#2: .*line \d+, column \d+/,
  );
  assert.equal((await apiGet(cp.apiUrl, '/meshes/e2e-malformed')).status, 404);
});

test('an unknown kind in a document is a clear error', async () => {
  const result = await koguma(['apply', '-f', '-'], 'type: MeshFrobnicator\nmesh: e2e\nname: x\nspec: {}\n');
  assert.equal(result.code, 1);
  assert.match(result.stderr, /<stdin>#1 MeshFrobnicator x: type: unknown kind "MeshFrobnicator"/);
});

test('an empty input is an error', async () => {
  const result = await koguma(['apply', '-f', '-'], '# nothing\n');
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Error: no documents found in <stdin>/);
});

test('a resource in a mesh that exists nowhere is refused before anything is written', async () => {
  const text = [
    MESH_YAML.replace('name: e2e', 'name: e2e-other'),
    WEB_YAML.replace('mesh: e2e', 'mesh: e2e-nowhere'),
  ].join('---\n');
  const result = await koguma(['apply', '-f', '-'], text);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /<stdin>#2 Dataplane web-1: mesh: mesh "e2e-nowhere" does not exist/);
  assert.equal((await apiGet(cp.apiUrl, '/meshes/e2e-other')).status, 404);
});

test('stdin and directories are read; a directory in file-name order', async () => {
  const dir = await scratchDir();
  try {
    await dir.write('2-web.yaml', WEB_YAML.replace('mesh: e2e', 'mesh: e2e-dir'));
    await dir.write('1-mesh.yml', MESH_YAML.replace('name: e2e', 'name: e2e-dir'));
    await dir.write('README.md', 'not a manifest');
    const result = await koguma(
      ['apply', '-f', dir.dir, '-f', '-'],
      BACKEND_YAML.replace('mesh: e2e', 'mesh: e2e-dir'),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), [
      'mesh "e2e-dir" created',
      'dataplane "web-1" created',
      'dataplane "backend-1" created',
    ]);
  } finally {
    await dir.remove();
  }
});

test('JSON documents are applied too', async () => {
  const mesh = { type: 'Mesh', name: 'e2e-json' };
  const result = await koguma(['apply', '-f', await scratch.write('mesh.json', JSON.stringify(mesh))]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), ['mesh "e2e-json" created']);
});

test('apply without -f is a usage error', async () => {
  const result = await koguma(['apply']);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /required option '-f, --file <path>' not specified/);
});
