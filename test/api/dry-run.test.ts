/**
 * `PUT ...?dryRun=true`: every check of a write, its answer, and nothing
 * stored. An invalid resource gets the usual 400 naming the field; a valid
 * one answers 201 (or 200) with the header and is not there afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
let readOnly: TestApi;
const put = (target: TestApi, url: string, payload: object) => target.app.inject({ method: 'PUT', url, payload });
const timeout = (name: string, connectionTimeout: string) => ({
  type: 'MeshTimeout',
  mesh: 'default',
  name,
  spec: {
    targetRef: { kind: 'Mesh' },
    to: [{ targetRef: { kind: 'Mesh' }, default: { connectionTimeout } }],
  },
});

before(async () => {
  api = await startTestApi();
  readOnly = await startTestApi({ access: { readOnly: true } });
});
after(async () => {
  await api.close();
  await readOnly.close();
});

test('a dry run of an invalid policy is the write refusal: 400 naming the field', async () => {
  const answer = await put(api, '/meshes/default/meshtimeouts/t1?dryRun=true', timeout('t1', 'soon'));
  assert.equal(answer.statusCode, 400);
  const fields = answer.json().invalid_parameters.map((p: { field: string }) => p.field);
  assert.ok(
    fields.some((field: string) => field.includes('connectionTimeout')),
    JSON.stringify(fields),
  );
});

test('a dry run of a valid policy answers as the write would and stores nothing', async () => {
  const answer = await put(api, '/meshes/default/meshtimeouts/t2?dryRun=true', timeout('t2', '5s'));
  assert.equal(answer.statusCode, 201);
  assert.equal(answer.headers['koguma-dry-run'], 'true');
  assert.deepEqual(answer.json(), {});
  assert.equal((await api.app.inject({ method: 'GET', url: '/meshes/default/meshtimeouts/t2' })).statusCode, 404);
});

test('a dry run of a replacement answers 200 and leaves the stored resource as it was', async () => {
  assert.equal((await put(api, '/meshes/default/meshtimeouts/t3', timeout('t3', '5s'))).statusCode, 201);
  const answer = await put(api, '/meshes/default/meshtimeouts/t3?dryRun=true', timeout('t3', '9s'));
  assert.equal(answer.statusCode, 200);
  const stored = (await api.app.inject({ method: 'GET', url: '/meshes/default/meshtimeouts/t3' })).json();
  assert.equal(stored.spec.to[0].default.connectionTimeout, '5s');
});

test('a dry run runs the checks that need the store: the mesh must exist', async () => {
  const answer = await put(api, '/meshes/nowhere/meshtimeouts/t4?dryRun=true', {
    ...timeout('t4', '5s'),
    mesh: 'nowhere',
  });
  assert.equal(answer.statusCode, 400);
  assert.equal(answer.json().invalid_parameters[0].field, 'mesh');
});

test('a dry run of a Mesh creates no mesh and none of its default policies', async () => {
  const answer = await put(api, '/meshes/dry?dryRun=true', { type: 'Mesh', name: 'dry' });
  assert.equal(answer.statusCode, 201);
  assert.equal((await api.app.inject({ method: 'GET', url: '/meshes/dry' })).statusCode, 404);
});

test('a dry run is refused where the write is: read-only mode, and a bad dryRun value', async () => {
  const refused = await put(readOnly, '/meshes/default/meshtimeouts/t5?dryRun=true', timeout('t5', '5s'));
  assert.equal(refused.statusCode, 405);
  const bad = await put(api, '/meshes/default/meshtimeouts/t6?dryRun=maybe', timeout('t6', '5s'));
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().invalid_parameters[0].field, 'dryRun');
  assert.equal((await api.app.inject({ method: 'GET', url: '/meshes/default/meshtimeouts/t6' })).statusCode, 404);
});
