/**
 * `koguma get`, `delete` and `version` end to end against a real control plane.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { parseAllDocuments, parse } from 'yaml';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { productVersion } from '../../src/api/index.js';
import { ALL_YAML, BACKEND_YAML, WEB_YAML } from './fixtures.js';
import { apiGet, killAll, runCli, startTestControlPlane, withoutKogumaEnv } from './harness.js';

let cp: RunningControlPlane;
const koguma = (args: string[], input?: string) =>
  runCli(['--api-url', cp.apiUrl, ...args], input === undefined ? {} : { input });
const lines = (text: string) => text.split('\n').filter((line) => line !== '');

/** Labels the server computes on write (Kuma's), beside those the document set. */
const COMPUTED_LABELS = ['kuma.io/env', 'kuma.io/mesh', 'kuma.io/origin', 'kuma.io/proxy-type', 'kuma.io/zone'];

/** A printed document without what the server sets: times, KRI, computed labels. */
const withoutServerTimes = (document: Record<string, unknown>) => {
  const { creationTime, modificationTime, kri, labels, ...rest } = document;
  assert.equal(typeof creationTime, 'string');
  assert.equal(typeof modificationTime, 'string');
  assert.match(String(kri), /^kri_dp_e2e_default__/);
  const own = Object.entries(labels as Record<string, string>).filter(([key]) => !COMPUTED_LABELS.includes(key));
  return own.length === 0 ? rest : { ...rest, labels: Object.fromEntries(own) };
};

before(async () => {
  cp = await startTestControlPlane();
  const applied = await koguma(['apply', '-f', '-'], ALL_YAML);
  assert.equal(applied.code, 0, applied.stderr);
});
after(async () => {
  killAll();
  await cp.close();
});

test('get dataplanes -o yaml round-trips what was applied', async () => {
  const result = await koguma(['get', 'dataplanes', '-m', 'e2e', '-o', 'yaml']);
  assert.equal(result.code, 0, result.stderr);
  const printed = parseAllDocuments(result.stdout).map((d) => withoutServerTimes(d.toJS() as Record<string, unknown>));
  const applied = [BACKEND_YAML, WEB_YAML].map((text) => parse(text) as unknown);
  assert.deepEqual(printed, applied);

  const again = await koguma(['apply', '-f', '-'], result.stdout);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(lines(again.stdout), ['dataplane "backend-1" unchanged', 'dataplane "web-1" unchanged']);
});

test('one resource as YAML is one document', async () => {
  const result = await koguma(['get', 'dp', 'web-1', '-m', 'e2e', '-o', 'yaml']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(parseAllDocuments(result.stdout).length, 1);
  assert.deepEqual(withoutServerTimes(parse(result.stdout) as Record<string, unknown>), parse(WEB_YAML));
});

test('the dataplane table has its columns, aligned', async () => {
  const result = await koguma(['get', 'dataplanes', '-m', 'e2e']);
  assert.equal(result.code, 0, result.stderr);
  const [header, ...rows] = lines(result.stdout);
  assert.match(header ?? '', /^MESH +NAME +ADDRESS +SERVICES +TAGS +AGE$/);
  assert.equal(rows.length, 2);
  assert.match(rows[0] ?? '', /^e2e +backend-1 +10\.0\.0\.2 +backend +kuma\.io\/protocol=grpc +\d+s$/);
  assert.match(rows[1] ?? '', /^e2e +web-1 +10\.0\.0\.1 +web +kuma\.io\/protocol=http,version=v1 +\d+s$/);
  const ageColumn = header?.indexOf('AGE');
  for (const row of rows) assert.match(row.slice(ageColumn), /^\d+s$/, 'AGE starts at the same column in every row');
});

test('the mesh table shows mTLS; the policy table its targetRef and sections', async () => {
  const meshes = await koguma(['get', 'meshes']);
  assert.equal(meshes.code, 0, meshes.stderr);
  assert.match(meshes.stdout, /^NAME +MTLS +AGE\n/);
  assert.match(meshes.stdout, /\ndefault +off +\d+s\n/);
  assert.match(meshes.stdout, /\ne2e +builtin\/ca-1 +\d+s\n/);

  const permissions = await koguma(['get', 'meshtrafficpermissions', '-m', 'e2e']);
  assert.equal(permissions.code, 0, permissions.stderr);
  const [header, row] = lines(permissions.stdout);
  assert.match(header ?? '', /^MESH +NAME +TARGETREF +FROM\b.* AGE$/);
  assert.match(row ?? '', /^e2e +web-to-backend +MeshService\/backend +1\b/);
});

test('every spelling of a kind works, and -A lists across meshes', async () => {
  for (const spelling of ['MeshTimeout', 'meshtimeout', 'meshtimeouts', 'mt']) {
    const result = await koguma(['get', spelling, '-A', '-o', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const list = JSON.parse(result.stdout) as { total: number; items: { mesh: string }[] };
    assert.deepEqual([...new Set(list.items.map((i) => i.mesh))].sort(), ['default', 'e2e'], spelling);
    assert.equal(list.total, list.items.length);
  }
});

test('filters: --label, --name-contains and --tag', async () => {
  const names = async (args: string[]) => {
    const result = await koguma(['get', 'dataplanes', '-m', 'e2e', '-o', 'json', ...args]);
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as { items: { name: string }[] }).items.map((i) => i.name);
  };
  assert.deepEqual(await names(['--label', 'team=storefront']), ['web-1']);
  assert.deepEqual(await names(['--name-contains', 'back']), ['backend-1']);
  assert.deepEqual(await names(['--tag', 'kuma.io/protocol:grpc']), ['backend-1']);
  assert.deepEqual(await names(['--tag', 'kuma.io/service:web', '--tag', 'version:v1']), ['web-1']);
  assert.deepEqual(await names(['--tag', 'version:v9']), []);
});

test('lists longer than one page are read to the end', async () => {
  const mesh = await fetch(`${cp.apiUrl}/meshes/paging`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'Mesh', name: 'paging' }),
  });
  assert.equal(mesh.status, 201);
  const count = 1001;
  for (let start = 0; start < count; start += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - start) }, async (_, i) => {
        const name = `s-${String(start + i).padStart(4, '0')}`;
        const response = await fetch(`${cp.apiUrl}/meshes/paging/secrets/${name}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'Secret', mesh: 'paging', name, data: 'YQ==' }),
        });
        assert.equal(response.status, 201);
      }),
    );
  }
  // The mesh holds one more Secret of its own: its dataplane-token signing key.
  const result = await koguma(['get', 'secrets', '-m', 'paging', '-o', 'json']);
  assert.equal(result.code, 0, result.stderr);
  const list = JSON.parse(result.stdout) as { total: number; items: { name: string }[] };
  assert.equal(list.items.length, count + 1);
  assert.equal(new Set(list.items.map((i) => i.name)).size, count + 1);
  assert.ok(list.items.some((i) => i.name === 'dataplane-token-signing-key-paging'));
  const table = await koguma(['get', 'secrets', '-m', 'paging']);
  assert.equal(lines(table.stdout).length, count + 2);
});

test('a missing resource is an error naming kind, name and mesh', async () => {
  const result = await koguma(['get', 'meshtimeout', 'x']);
  assert.equal(result.code, 1);
  assert.equal(result.stderr, 'Error: MeshTimeout "x" not found in mesh "default"\n');
  const mesh = await koguma(['get', 'mesh', 'nope']);
  assert.equal(mesh.stderr, 'Error: Mesh "nope" not found\n');
  // The server answers 404 for a missing mesh too; the message says which is missing.
  const inMissingMesh = await koguma(['get', 'dataplane', 'web-1', '-m', 'nope']);
  assert.equal(inMissingMesh.stderr, 'Error: Mesh "nope" not found\n');
  const listInMissingMesh = await koguma(['get', 'dataplanes', '-m', 'nope']);
  assert.equal(listInMissingMesh.code, 1);
  assert.equal(listInMissingMesh.stderr, 'Error: Mesh "nope" not found\n');
});

test('an empty list says so on stderr and exits 0', async () => {
  const result = await koguma(['get', 'meshhttproutes', '-m', 'e2e']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, 'No meshhttproutes found in mesh "e2e".\n');
});

test('an unknown kind is a clear error', async () => {
  const result = await koguma(['get', 'frobnicators']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Error: unknown kind "frobnicators"\nknown kinds: meshes \(m\), dataplanes \(dp\)/);
});

test('delete removes a resource and reports it; deleting it again is not found', async () => {
  const deleted = await koguma(['delete', 'mtp', 'web-to-backend', '-m', 'e2e']);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(deleted.stdout, 'meshtrafficpermission "web-to-backend" deleted\n');
  assert.equal((await apiGet(cp.apiUrl, '/meshes/e2e/meshtrafficpermissions/web-to-backend')).status, 404);
  const again = await koguma(['delete', 'mtp', 'web-to-backend', '-m', 'e2e']);
  assert.equal(again.code, 1);
  assert.equal(again.stderr, 'Error: MeshTrafficPermission "web-to-backend" not found in mesh "e2e"\n');
});

test('version prints the client and the server version', async () => {
  const result = await koguma(['version']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lines(result.stdout), [
    `Koguma ${productVersion}`,
    `server: Koguma ${productVersion} at ${cp.apiUrl}`,
  ]);
});

test('--version prints the line version prints for the CLI, without asking the server', async () => {
  const [flag, short, command] = await Promise.all([runCli(['--version']), runCli(['-V']), koguma(['version'])]);
  assert.equal(flag.code, 0, flag.stderr);
  assert.equal(flag.stdout, `${lines(command.stdout)[0]}\n`);
  assert.equal(short.stdout, flag.stdout);
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('an unreachable control plane: get fails with the reason, version still exits 0', async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const get = await runCli(['--api-url', url, 'get', 'meshes']);
  assert.equal(get.code, 1);
  assert.match(get.stderr, new RegExp(`^Error: cannot reach the control plane at ${url}: connect ECONNREFUSED`));
  const version = await runCli(['--api-url', url, 'version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, new RegExp(`^Koguma ${productVersion}\nserver: unreachable at ${url}`));
});

test('KOGUMA_API_URL is used when --api-url is not given', async () => {
  const result = await runCli(['get', 'meshes', '-o', 'json'], {
    env: withoutKogumaEnv({ KOGUMA_API_URL: cp.apiUrl }),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.ok((JSON.parse(result.stdout) as { total: number }).total >= 2);
});

test('unknown commands and options are usage errors; --help describes every command', async () => {
  const unknown = await koguma(['frobnicate']);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const option = await koguma(['get', 'meshes', '--frob']);
  assert.notEqual(option.code, 0);
  assert.match(option.stderr, /unknown option '--frob'/);
  const format = await koguma(['get', 'meshes', '-o', 'xml']);
  assert.notEqual(format.code, 0);
  for (const command of [[], ['apply'], ['get'], ['delete'], ['version'], ['cp'], ['cp', 'run']]) {
    const help = await runCli([...command, '--help']);
    assert.equal(help.code, 0, command.join(' '));
    assert.match(help.stdout, /^Usage: koguma/, command.join(' '));
  }
});

test('the kinds beside the policies: applied, then listed by plural, other path and short name', async () => {
  const documents = `type: MeshExternalService
mesh: e2e
name: httpbin
spec:
  match: {port: 80, protocol: http}
  endpoints: [{address: httpbin.org, port: 80}]
---
type: HostnameGenerator
name: external
spec:
  selector: {meshExternalService: {matchLabels: {kuma.io/origin: zone}}}
  template: '{{ .DisplayName }}.extsvc.mesh.local'
---
type: ZoneIngress
name: zi-1
networking: {address: 10.0.0.1, port: 10001}
`;
  const applied = await koguma(['apply', '-f', '-'], documents);
  assert.equal(applied.code, 0, applied.stderr);

  const yaml = await koguma(['get', 'meshexternalservices', '-m', 'e2e', '-o', 'yaml']);
  assert.equal(yaml.code, 0, yaml.stderr);
  const [external] = parseAllDocuments(yaml.stdout).map((d) => d.toJS() as Record<string, unknown>);
  assert.deepEqual((external as { spec: unknown }).spec, {
    match: { port: 80, protocol: 'http' },
    endpoints: [{ address: 'httpbin.org', port: 80 }],
  });
  for (const [args, name] of [
    [['get', 'extsvc', '-m', 'e2e'], 'httpbin'],
    [['get', 'hostnamegenerators'], 'external'],
    [['get', 'hg'], 'external'],
    [['get', 'zone-ingresses'], 'zi-1'],
    [['get', 'zi'], 'zi-1'],
  ] as const) {
    const result = await koguma([...args]);
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stdout, new RegExp(`\\b${name}\\b`), args.join(' '));
  }
  const insights = await koguma(['get', 'zone-insights']);
  assert.equal(insights.code, 0, insights.stderr);
});
