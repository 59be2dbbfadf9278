/**
 * Every kind of bad input gets a 4xx with Kuma's error body, changes nothing,
 * and leaves the API serving.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataplane, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
let snapshot: string;

async function storeContents(): Promise<string> {
  const meshes = await api.store.list({ kind: 'Mesh', offset: 0, limit: 1000 });
  const dataplanes = await api.store.list({ kind: 'Dataplane', offset: 0, limit: 1000 });
  const timeouts = await api.store.list({ kind: 'MeshTimeout', offset: 0, limit: 1000 });
  return JSON.stringify([meshes, dataplanes, timeouts]);
}

before(async () => {
  api = await startTestApi();
  await api.app.inject({
    method: 'PUT',
    url: '/meshes/default/dataplanes/web-1',
    payload: dataplane('default', 'web-1', 'web'),
  });
  snapshot = await storeContents();
});
afterEach(async () => {
  assert.equal(await storeContents(), snapshot, 'bad input changed the store');
  assert.equal((await api.app.inject({ method: 'GET', url: '/' })).statusCode, 200, 'the API stopped serving');
});
after(() => api.close());

function put(url: string, payload: string | object, contentType = 'application/json') {
  return api.app.inject({ method: 'PUT', url, payload, headers: { 'content-type': contentType } });
}

function assertError(
  response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  expected: { detail?: string; invalid_parameters?: { field: string; reason: string }[] } & Record<string, unknown>,
) {
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.deepEqual(response.json(), { type: '/std-errors', ...expected, ...kumaRepeats(expected) });
}

/** What Kuma's error body repeats for older clients: `details` and `causes`. */
function kumaRepeats(expected: { detail?: string; invalid_parameters?: { field: string; reason: string }[] }) {
  const issues = expected.invalid_parameters;
  return {
    details: expected.detail,
    ...(issues === undefined ? {} : { causes: issues.map(({ field, reason }) => ({ field, message: reason })) }),
  };
}

test('malformed JSON is a 400 naming the parse error', async () => {
  const response = await put('/meshes/default/dataplanes/web-1', '{"type": "Dataplane", ');
  assert.equal(response.statusCode, 400);
  const body = response.json() as { title: string; detail: string };
  assert.equal(body.title, 'Invalid input');
  assert.match(body.detail, /^body is not valid JSON/);
});

test('an empty body is a 400', async () => {
  const response = await put('/meshes/default/dataplanes/web-1', '');
  assert.equal(response.statusCode, 400);
  assertError(response, {
    status: 400,
    title: 'Invalid input',
    detail: 'body is empty; send a resource document as JSON',
  });
});

test('a body that is not an object is a 400', async () => {
  const response = await put('/meshes/default/dataplanes/web-1', '[1, 2]');
  assertError(response, {
    status: 400,
    title: 'Could not process a resource',
    detail: 'Resource is not valid',
    invalid_parameters: [{ field: 'document', reason: 'must be an object with a type, a name and its fields' }],
  });
});

test('an unknown kind in the URL is a 404', async () => {
  const response = await put('/meshes/default/gizmos/g1', { type: 'Gizmo', mesh: 'default', name: 'g1' });
  assertError(response, { status: 404, title: 'Not found', detail: 'unknown resource type "gizmos"' });
});

test('an unknown type in the body is a 400 on field type', async () => {
  const response = await put('/meshes/default/dataplanes/web-1', { type: 'Gizmo', mesh: 'default', name: 'web-1' });
  assertError(response, {
    status: 400,
    title: 'Could not process a resource',
    detail: 'Resource is not valid',
    invalid_parameters: [{ field: 'type', reason: 'unknown kind "Gizmo"' }],
  });
});

test('an unknown field is rejected by name', async () => {
  const doc = { ...dataplane('default', 'web-1', 'web'), colour: 'blue' };
  const response = await put('/meshes/default/dataplanes/web-1', doc);
  assertError(response, {
    status: 400,
    title: 'Could not process a resource',
    detail: 'Resource is not valid',
    invalid_parameters: [{ field: 'colour', reason: 'unknown field' }],
  });
});

test('wrong types are rejected with the field path', async () => {
  const doc = dataplane('default', 'web-1', 'web');
  (doc.networking.inbound[0] as Record<string, unknown>)['port'] = '8080';
  const response = await put('/meshes/default/dataplanes/web-1', doc);
  assertError(response, {
    status: 400,
    title: 'Could not process a resource',
    detail: 'Resource is not valid',
    invalid_parameters: [{ field: 'networking.inbound[0].port', reason: 'in body must be of type integer: "string"' }],
  });
});

test('a policy duration is checked with a readable reason', async () => {
  const response = await put('/meshes/default/meshtimeouts/t1', {
    type: 'MeshTimeout',
    mesh: 'default',
    name: 't1',
    spec: { to: [{ targetRef: { kind: 'Mesh' }, default: { http: { requestTimeout: 'fifteen' } } }] },
  });
  assertError(response, {
    status: 400,
    title: 'Could not process a resource',
    detail: 'Resource is not valid',
    invalid_parameters: [{ field: 'spec.to[0].default.http.requestTimeout', reason: 'must be a duration like 15s' }],
  });
});

test('a targetRef kind the section does not allow is rejected', async () => {
  const response = await put('/meshes/default/meshtimeouts/t1', {
    type: 'MeshTimeout',
    mesh: 'default',
    name: 't1',
    spec: { from: [{ targetRef: { kind: 'MeshService', name: 'web' }, default: { idleTimeout: '1s' } }] },
  });
  assert.equal(response.statusCode, 400);
  assert.deepEqual((response.json() as { invalid_parameters: unknown }).invalid_parameters, [
    { field: 'spec.from[0].targetRef.kind', reason: 'must be "Mesh"' },
  ]);
});

test('a dataplane inbound without kuma.io/service is rejected', async () => {
  const doc = dataplane('default', 'web-1', 'web');
  doc.networking.inbound[0]!.tags = { app: 'web' } as never;
  const response = await put('/meshes/default/dataplanes/web-1', doc);
  assert.deepEqual((response.json() as { invalid_parameters: unknown }).invalid_parameters, [
    { field: 'networking.inbound[0].tags["kuma.io/service"]', reason: 'tag has to exist' },
  ]);
});

test('a name Kubernetes would refuse is rejected', async () => {
  const response = await put('/meshes/default/dataplanes/Web_1', dataplane('default', 'Web_1', 'web'));
  assert.equal(response.statusCode, 400);
  assert.deepEqual(
    (response.json() as { invalid_parameters: { field: string }[] }).invalid_parameters.map((p) => p.field),
    ['name'],
  );
});

test('a body whose name differs from the URL is rejected', async () => {
  const response = await put('/meshes/default/dataplanes/web-1', dataplane('default', 'web-2', 'web'));
  assertError(response, {
    status: 400,
    title: 'Could not process a resource',
    detail: 'Resource is not valid',
    invalid_parameters: [{ field: 'name', reason: 'must be "web-1" to match the URL' }],
  });
});

test('a policy body of another type than the URL is rejected as Kuma words it', async () => {
  const response = await put('/meshes/default/meshtimeouts/web-1', dataplane('other', 'web-1', 'web'));
  assert.deepEqual((response.json() as { invalid_parameters: unknown }).invalid_parameters, [
    { field: '', reason: 'type in body should be one of [MeshTimeout]' },
  ]);
});

test('a body whose mesh or type differs from the URL is rejected', async () => {
  const response = await put('/meshes/default/dataplanes/web-1', {
    ...dataplane('other', 'web-1', 'web'),
    type: 'MeshTimeout',
  });
  assert.deepEqual((response.json() as { invalid_parameters: { field: string }[] }).invalid_parameters.slice(0, 2), [
    { field: 'type', reason: 'must be "Dataplane" to match the URL' },
    { field: 'mesh', reason: 'must be "default" to match the URL' },
  ]);
});

test('a policy in a mesh that does not exist is a 400 naming the mesh, as Kuma answers', async () => {
  const response = await put('/meshes/nowhere/meshtimeouts/t1', {
    type: 'MeshTimeout',
    mesh: 'nowhere',
    name: 't1',
    spec: { to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '1s' } }] },
  });
  assertError(response, {
    status: 400,
    title: 'Could not create a resource',
    detail: 'Mesh is not found',
    invalid_parameters: [{ field: 'mesh', reason: 'mesh of name nowhere is not found' }],
  });
});

test('a 5 MB body is refused with 413', async () => {
  const doc = { ...dataplane('default', 'web-1', 'web'), padding: 'x'.repeat(5 * 1024 * 1024) };
  const response = await put('/meshes/default/dataplanes/web-1', doc);
  assert.equal(response.statusCode, 413);
  assertError(response, {
    status: 413,
    title: 'Payload too large',
    detail: 'request body is larger than the API accepts (the limit is set by --api-body-limit)',
  });
});

test('a body that is not JSON is refused with 415', async () => {
  const response = await put('/meshes/default/dataplanes/web-1', 'type: Dataplane', 'application/yaml');
  assert.equal(response.statusCode, 415);
  assert.equal((response.json() as { type: string }).type, '/std-errors');
});

test('an unknown endpoint is a 404 in the error format', async () => {
  const response = await api.app.inject({ method: 'GET', url: '/nothing/here/at/all' });
  assertError(response, { status: 404, title: 'Not found', detail: 'no API endpoint GET /nothing/here/at/all' });
});
