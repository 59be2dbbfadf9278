/**
 * Kuma's resource identifiers and computed labels through the REST API: every
 * resource read carries its `kri`, `GET /_kri/{kri}` finds it (as a document
 * or a Kubernetes object), and writes get, keep and guard the labels Kuma
 * computes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataplane, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
const get = (url: string) => api.app.inject({ method: 'GET', url });
const put = (url: string, payload: object) => api.app.inject({ method: 'PUT', url, payload });

const timeout = (labels: Record<string, string> = {}) => ({
  type: 'MeshTimeout',
  name: 't1',
  labels,
  spec: { to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '1s' } }] },
});

before(async () => {
  api = await startTestApi();
  assert.equal((await put('/meshes/default/dataplanes/web-1', dataplane('default', 'web-1', 'web'))).statusCode, 201);
  // No mesh in the body: the URL's is taken.
  assert.equal((await put('/meshes/default/meshtimeouts/t1', timeout({ team: 'web' }))).statusCode, 201);
});
after(() => api.close());

test('documents and list items carry their kri; meshes too', async () => {
  assert.equal((await get('/meshes/default/dataplanes/web-1')).json().kri, 'kri_dp_default_default__web-1_');
  const items = (await get('/meshes/default/meshtimeouts')).json().items as { name: string; kri: string }[];
  assert.equal(items.find((i) => i.name === 't1')?.kri, 'kri_mt_default_default__t1_');
  assert.equal((await get('/meshes/default')).json().kri, 'kri_m____default_');
});

test('a write gets the labels Kuma computes, beside its own', async () => {
  assert.deepEqual((await get('/meshes/default/dataplanes/web-1')).json().labels, {
    'kuma.io/env': 'universal',
    'kuma.io/mesh': 'default',
    'kuma.io/origin': 'zone',
    'kuma.io/proxy-type': 'sidecar',
    'kuma.io/zone': 'default',
  });
  assert.equal((await get('/meshes/default/meshtimeouts/t1')).json().labels.team, 'web');
});

test('GET /_kri finds a resource as a document, or as a Kubernetes object', async () => {
  const document = await get('/_kri/kri_mt_default_default__t1_');
  assert.equal(document.statusCode, 200);
  assert.equal(document.json().name, 't1');
  const object = (await get('/_kri/kri_mt_default_default__t1_?format=kubernetes')).json();
  assert.equal(object.apiVersion, 'kuma.io/v1alpha1');
  assert.equal(object.kind, 'MeshTimeout');
  assert.equal(object.metadata.name, 't1');
  assert.equal(object.metadata.labels['kuma.io/mesh'], 'default');
  assert.deepEqual(object.spec, timeout().spec);
  assert.equal((await get('/_kri/kri_m____default_')).json().type, 'Mesh');
});

test('GET /_kri refuses a malformed KRI or format with 400, and is 404 for what is not there', async () => {
  for (const [kri, detail] of [
    ['kri_mt_default', 'bad request: invalid identifier string: "kri_mt_default"'],
    ['id_mt_default_default__t1_', 'bad request: identifier must start with \'kri\': "id_mt_default_default__t1_"'],
    ['kri_nope_default_default__t1_', 'bad request: unknown short name of resource type: "nope"'],
  ]) {
    const response = await get(`/_kri/${kri}`);
    assert.equal(response.statusCode, 400, kri);
    assert.equal(response.json().title, 'Bad Request');
    assert.equal(response.json().detail, detail);
  }
  assert.equal((await get('/_kri/kri_mt_default_default__t1_?format=xml')).statusCode, 400);
  for (const kri of ['kri_mt_default_default__t2_', 'kri_mt_default_other-zone__t1_', 'kri_mt____t1_']) {
    const response = await get(`/_kri/${kri}`);
    assert.equal(response.statusCode, 404, kri);
    assert.equal(response.json().detail, 'Not found');
  }
});

test('a mesh or zone label that disagrees is refused; origin and zone cannot change on replace', async () => {
  const otherMesh = await put('/meshes/default/meshtimeouts/t2', {
    ...timeout({ 'kuma.io/mesh': 'other' }),
    name: 't2',
  });
  assert.equal(otherMesh.statusCode, 400);
  assert.deepEqual(otherMesh.json().invalid_parameters, [
    { field: 'labels["kuma.io/mesh"]', reason: 'kuma.io/mesh label must not differ from mesh set on resource' },
  ]);
  const otherZone = await put('/meshes/default/meshtimeouts/t2', {
    ...timeout({ 'kuma.io/zone': 'east' }),
    name: 't2',
  });
  assert.equal(otherZone.statusCode, 400);
  const global = await put('/meshes/default/meshtimeouts/t1', timeout({ 'kuma.io/origin': 'global' }));
  assert.equal(global.statusCode, 400);
  assert.equal(global.json().title, 'Could not update a resource');
  assert.deepEqual(global.json().invalid_parameters, [
    { field: 'labels["kuma.io/origin"]', reason: 'is immutable, cannot be changed from "zone" to "global"' },
    { field: 'labels["kuma.io/zone"]', reason: 'is immutable, cannot be removed (was "default")' },
  ]);
  assert.equal((await get('/meshes/default/meshtimeouts/t2')).statusCode, 404, 'nothing was stored');
});
