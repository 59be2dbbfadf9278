/**
 * The depth and size limits on what the API parses (docs/api.md, "Limits"):
 * REST bodies, YAML carried in MeshProxyPatch values, data sources. Each
 * refusal is a 400 naming the field, nothing is stored, the API keeps serving.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApi, type TestApi } from '../support/api.js';
import { assertInvalid, assertRefusal, storeContents } from './refusals.js';

let api: TestApi;
let snapshot: string;

before(async () => {
  api = await startTestApi();
  snapshot = await storeContents(api.store);
});
afterEach(async () => {
  assert.equal(await storeContents(api.store), snapshot, 'a refused request changed the store');
  assert.equal((await api.app.inject({ method: 'GET', url: '/' })).statusCode, 200, 'the API stopped serving');
});
after(() => api.close());

const put = (url: string, payload: string | object) =>
  api.app.inject({
    method: 'PUT',
    url,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { 'content-type': 'application/json' },
  });

const VALUE_FIELD = 'spec.default.appendModifications[0].cluster.value';
const proxyPatch = (value: string) => ({
  type: 'MeshProxyPatch',
  mesh: 'default',
  name: 'deep',
  spec: { default: { appendModifications: [{ cluster: { operation: 'Add', value } }] } },
});
const putPatch = (value: string) => put('/meshes/default/meshproxypatches/deep', proxyPatch(value));

test('a MeshProxyPatch value nested 10,000 levels deep is a 400 naming the value (it used to take the process down)', async () => {
  const value = `${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}`;
  assertInvalid(await putPatch(value), [{ field: VALUE_FIELD, reason: 'nested deeper than 64 levels' }]);
});

test('the 80 KB form of that value is refused for its size before it is parsed', async () => {
  const value = `${'{key1: '.repeat(10_000)}1${'}'.repeat(10_000)}`;
  assert.equal(Buffer.byteLength(value), 80_001);
  assertInvalid(await putPatch(value), [{ field: VALUE_FIELD, reason: 'must be at most 64 KiB (it is 80001 bytes)' }]);
});

test('3,000 levels of flow mapping, and deep block and compact YAML, are refused the same way', async () => {
  const values = [
    `${'{a: '.repeat(3_000)}1${'}'.repeat(3_000)}`,
    Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + `\n${' '.repeat(100)}x\n`,
    `${'- '.repeat(5_000)}x`,
    '['.repeat(30_000),
  ];
  for (const value of values)
    assertInvalid(await putPatch(value), [{ field: VALUE_FIELD, reason: 'nested deeper than 64 levels' }]);
});

test('an Envoy value nested exactly 64 levels is accepted; one level more is refused', async () => {
  // name/metadata/filterMetadata/x hold 3 levels; the Struct below them the rest.
  const at = (levels: number) =>
    `{name: deep, metadata: {filterMetadata: {x: ${'{a: '.repeat(levels - 3)}1${'}'.repeat(levels - 3)}}}}`;
  assertInvalid(await putPatch(at(65)), [{ field: VALUE_FIELD, reason: 'nested deeper than 64 levels' }]);
  const accepted = await putPatch(at(64));
  assert.equal(accepted.statusCode, 201, accepted.body);
  assert.equal(
    (await api.app.inject({ method: 'DELETE', url: '/meshes/default/meshproxypatches/deep' })).statusCode,
    200,
  );
});

test('a JSON patch value nested 3,000 levels deep is a 400, not a 500', async () => {
  const body = `{"type":"MeshProxyPatch","mesh":"default","name":"deep","spec":{"default":{"appendModifications":[{"cluster":{"operation":"Patch","jsonPatches":[{"op":"add","path":"/metadata","value":${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}}]}}]}}}`;
  const refusal = assertRefusal(await put('/meshes/default/meshproxypatches/deep', body), 400);
  const [parameter] = refusal.invalid_parameters ?? [];
  assert.equal(parameter?.reason, 'nested deeper than 64 levels');
  assert.ok(
    parameter?.field.startsWith('spec.default.appendModifications[0].cluster.jsonPatches[0].value.a.a'),
    parameter?.field,
  );
});

test('a REST body of 200,000 nested lists (within the body limit) is a 400 naming where it got too deep', async () => {
  const body = `{"type":"Dataplane","mesh":"default","name":"web-1","networking":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
  assertInvalid(await put('/meshes/default/dataplanes/web-1', body), [
    { field: `networking${'[0]'.repeat(63)}`, reason: 'nested deeper than 64 levels' },
  ]);
});

test('a deep status, which the server ignores on input, is refused rather than stored', async () => {
  const body = `{"type":"MeshService","mesh":"default","name":"svc","spec":{},"status":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
  assertInvalid(await put('/meshes/default/meshservices/svc', body), [
    { field: `status${'.a'.repeat(63)}`, reason: 'nested deeper than 64 levels' },
  ]);
});

test('a NUL or a lone surrogate in any string or key is a 400 naming the field', async () => {
  const accessLog = (path: string) => ({
    type: 'MeshAccessLog',
    mesh: 'default',
    name: 'logs',
    spec: { to: [{ targetRef: { kind: 'Mesh' }, default: { backends: [{ type: 'File', file: { path } }] } }] },
  });
  assertInvalid(await put('/meshes/default/meshaccesslogs/logs', accessLog('/var/log/a\u0000b')), [
    { field: 'spec.to[0].default.backends[0].file.path', reason: 'must not contain the NUL character' },
  ]);
  assertInvalid(
    await put(
      '/meshes/default/meshaccesslogs/logs',
      '{"type":"MeshAccessLog","mesh":"default","name":"logs","spec":{"to":[{"targetRef":{"kind":"Mesh"},"default":{"backends":[{"type":"File","file":{"path":"/var/log/\\ud800"}}]}}]}}',
    ),
    [
      {
        field: 'spec.to[0].default.backends[0].file.path',
        reason: 'must be valid Unicode text (it holds a lone UTF-16 surrogate)',
      },
    ],
  );
  const patch = proxyPatch('name: x');
  (patch.spec.default.appendModifications[0]!.cluster as Record<string, unknown>) = {
    operation: 'Patch',
    jsonPatches: [{ op: 'add', path: '/metadata', value: { 'a\u0000': 1 } }],
  };
  assertInvalid(await put('/meshes/default/meshproxypatches/deep', patch), [
    {
      field: 'spec.default.appendModifications[0].cluster.jsonPatches[0].value',
      reason: 'has a key that contains the NUL character',
    },
  ]);
});

test('a NUL inside YAML text is refused too', async () => {
  assertInvalid(await putPatch('name: "a\\0b"'), [
    { field: VALUE_FIELD, reason: 'must not contain the NUL character (at name)' },
  ]);
});

test('a token request nested too deep is refused before it is read', async () => {
  const body = `{"mesh":"default","validFor":"1h","tags":{"kuma.io/service":${'['.repeat(100)}${']'.repeat(100)}}}`;
  const response = await api.app.inject({
    method: 'POST',
    url: '/tokens/dataplane',
    payload: body,
    headers: { 'content-type': 'application/json' },
  });
  assertInvalid(response, [
    { field: `tags["kuma.io/service"]${'[0]'.repeat(62)}`, reason: 'nested deeper than 64 levels' },
  ]);
});

const providedMesh = (cert: object) => ({
  type: 'Mesh',
  name: 'provided',
  mtls: {
    enabledBackend: 'ext',
    backends: [{ name: 'ext', type: 'provided', conf: { cert, key: { inlineString: 'key' } } }],
  },
});

test('a data source file that never ends (/dev/zero) is refused without being read', async () => {
  assertInvalid(await put('/meshes/provided', providedMesh({ file: '/dev/zero' })), [
    {
      field: 'mtls.backends[0].conf.cert.file',
      reason: 'names file "/dev/zero", which is not a regular file on the control plane',
    },
  ]);
});

test('inline data sources over 256 KiB are refused by the schema', async () => {
  const big = 'x'.repeat(256 * 1024 + 1);
  assertInvalid(await put('/meshes/provided', providedMesh({ inlineString: big })), [
    { field: 'mtls.backends[0].conf.cert.inlineString', reason: 'must be at most 262144 characters' },
  ]);
});

test('a data source naming a secret by a path is refused by name, not by the union', async () => {
  assertInvalid(await put('/meshes/provided', providedMesh({ secret: '../../etc/passwd' })), [
    {
      field: 'mtls.backends[0].conf.cert.secret',
      reason: 'must be a resource name: at most 253 characters of lower case letters, digits, "-", "." and "_"',
    },
  ]);
  assertInvalid(await put('/meshes/provided', providedMesh({ secret: 'a', file: '/etc/ca.pem' })), [
    { field: 'mtls.backends[0].conf.cert', reason: 'must have exactly one of secret, file, inline or inlineString' },
  ]);
});

test('a body with a hundred thousand problems lists the first hundred, and says there are more', async () => {
  const body = JSON.stringify({
    type: 'Dataplane',
    mesh: 'default',
    name: 'web-1',
    networking: { address: '10.0.0.1', inbound: Array.from({ length: 100_000 }, () => 42) },
  });
  const refusal = assertRefusal(await put('/meshes/default/dataplanes/web-1', body), 400);
  const parameters = refusal.invalid_parameters ?? [];
  assert.equal(parameters.length, 101);
  assert.deepEqual(parameters[0], {
    field: 'networking.inbound[0]',
    reason: 'in body must be of type object: "number"',
  });
  assert.deepEqual(parameters[100], { field: 'document', reason: 'has more problems; only the first 100 are listed' });
});
