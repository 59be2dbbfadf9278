/**
 * Whom a policy or a MeshService reaches, through a real control plane's HTTP
 * server: `_resources/dataplanes` and `meshservices/{name}/_dataplanes` in
 * Kuma's item shape and paging, and their refusals in Kuma's error shape.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { killAll, startTestControlPlane } from '../cli/harness.js';
import { jsonCall, type JsonAnswer } from '../support/json-call.js';

let cp: RunningControlPlane;

const call = (method: string, path: string, body?: unknown): Promise<JsonAnswer> =>
  jsonCall(cp.apiUrl, method, path, body);

const dataplane = (name: string, service: string, labels: Record<string, string> = {}) => ({
  type: 'Dataplane',
  mesh: 'ins',
  name,
  labels,
  networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': service, app: service } }] },
});

const DOCUMENTS = [
  { type: 'Mesh', name: 'ins' },
  dataplane('web-1', 'web', { 'k8s.kuma.io/namespace': 'shop' }),
  dataplane('web-2', 'web', { 'k8s.kuma.io/namespace': 'shop' }),
  dataplane('api-1', 'api', { 'k8s.kuma.io/namespace': 'other' }),
  {
    type: 'MeshTimeout',
    mesh: 'ins',
    name: 'all',
    spec: { targetRef: { kind: 'Mesh' }, from: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '30s' } }] },
  },
  {
    type: 'MeshTimeout',
    mesh: 'ins',
    name: 'shop-only',
    labels: { 'kuma.io/policy-role': 'consumer', 'k8s.kuma.io/namespace': 'shop' },
    spec: { targetRef: { kind: 'Mesh' }, from: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '20s' } }] },
  },
  {
    type: 'MeshService',
    mesh: 'ins',
    name: 'web',
    spec: { selector: { dataplaneTags: { app: 'web' } }, ports: [{ port: 80, targetPort: 8080 }] },
  },
];

/** A dataplane's labels as read back: its own beside those the control plane computes on write. */
const readLabels = (namespace: string) => ({
  'k8s.kuma.io/namespace': namespace,
  'kuma.io/env': 'universal',
  'kuma.io/mesh': 'ins',
  'kuma.io/origin': 'zone',
  'kuma.io/proxy-type': 'sidecar',
  'kuma.io/zone': 'default',
});

const pathOf = (doc: any) =>
  doc.type === 'Mesh' ? `/meshes/${doc.name}` : `/meshes/${doc.mesh}/${doc.type.toLowerCase()}s/${doc.name}`;

/** The answer once the engine, which follows the store asynchronously, has taken every document in. */
async function selectedOnce(path: string, total: number): Promise<any> {
  await cp.settled();
  const answer = await call('GET', path);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.total, total, `${path}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

before(async () => {
  cp = await startTestControlPlane();
  for (const doc of DOCUMENTS) {
    const { status, body } = await call('PUT', pathOf(doc), doc);
    assert.ok(status === 200 || status === 201, `${pathOf(doc)}: ${JSON.stringify(body)}`);
  }
  await selectedOnce('/meshes/ins/meshtimeouts/all/_resources/dataplanes', 3);
});
after(async () => {
  killAll();
  await cp.close();
});

test('_resources/dataplanes answers Kuma items, without next on the last page', async () => {
  const answer = await selectedOnce('/meshes/ins/meshtimeouts/all/_resources/dataplanes', 3);
  assert.deepEqual(answer, {
    total: 3,
    items: [
      { type: 'Dataplane', mesh: 'ins', name: 'api-1', labels: readLabels('other') },
      { type: 'Dataplane', mesh: 'ins', name: 'web-1', labels: readLabels('shop') },
      { type: 'Dataplane', mesh: 'ins', name: 'web-2', labels: readLabels('shop') },
    ],
  });
});

test('_resources/dataplanes filters by a name substring before paging, and links the next page', async () => {
  const first = await call('GET', '/meshes/ins/meshtimeouts/all/_resources/dataplanes?name=web&size=1');
  assert.equal(first.status, 200);
  assert.equal(first.body.total, 2);
  assert.deepEqual(
    first.body.items.map((i: { name: string }) => i.name),
    ['web-1'],
  );
  assert.match(first.body.next, /\/meshes\/ins\/meshtimeouts\/all\/_resources\/dataplanes\?name=web&offset=1&size=1$/);
  const last = await call('GET', '/meshes/ins/meshtimeouts/all/_resources/dataplanes?name=web&size=1&offset=1');
  assert.deepEqual(
    last.body.items.map((i: { name: string }) => i.name),
    ['web-2'],
  );
  assert.equal('next' in last.body, false);
});

test('a consumer policy reaches only the dataplanes of its namespace', async () => {
  const answer = await selectedOnce('/meshes/ins/meshtimeouts/shop-only/_resources/dataplanes', 2);
  assert.deepEqual(
    answer.items.map((i: { name: string }) => i.name),
    ['web-1', 'web-2'],
  );
});

test('meshservices/{name}/_dataplanes and its older path list the dataplanes the selector stands for', async () => {
  for (const path of [
    '/meshes/ins/meshservices/web/_dataplanes',
    '/meshes/ins/meshservices/web/_resources/dataplanes',
  ]) {
    const answer = await call('GET', path);
    assert.equal(answer.status, 200, path);
    assert.deepEqual(
      answer.body.items.map((i: { type: string; name: string }) => `${i.type}/${i.name}`),
      ['Dataplane/web-1', 'Dataplane/web-2'],
      path,
    );
    assert.equal(answer.body.total, 2);
  }
  const paged = await call('GET', '/meshes/ins/meshservices/web/_dataplanes?size=1&name=2');
  assert.deepEqual(paged.body, {
    total: 1,
    items: [{ type: 'Dataplane', mesh: 'ins', name: 'web-2', labels: readLabels('shop') }],
  });
});

test('a missing mesh, policy or service answers 404 with Kuma titles', async () => {
  const noMesh = await call('GET', '/meshes/nope/meshtimeouts/all/_resources/dataplanes');
  assert.deepEqual(noMesh, {
    status: 404,
    body: {
      type: '/std-errors',
      status: 404,
      title: 'Failed to retrieve Mesh',
      detail: 'Not found',
      details: 'Not found',
    },
  });
  const noPolicy = await call('GET', '/meshes/ins/meshtimeouts/nope/_resources/dataplanes');
  assert.equal(noPolicy.status, 404);
  assert.equal(noPolicy.body.title, 'Could not retrieve policy');
  const noService = await call('GET', '/meshes/ins/meshservices/nope/_dataplanes');
  assert.equal(noService.status, 404);
  assert.equal(noService.body.title, 'Could not retrieve policy');
});

test('a kind that is no policy, or no kind, answers 404', async () => {
  for (const plural of ['dataplanes', 'nonsense']) {
    const answer = await call('GET', `/meshes/ins/${plural}/web-1/_resources/dataplanes`);
    assert.equal(answer.status, 404, plural);
    assert.equal(answer.body.type, '/std-errors');
  }
});

test('a page size of 0 or 10^6, or not a number, answers 400 naming size', async () => {
  for (const path of [
    '/meshes/ins/meshtimeouts/all/_resources/dataplanes',
    '/meshes/ins/meshservices/web/_dataplanes',
    '/meshes/ins/meshservices/web/_resources/dataplanes',
  ]) {
    for (const size of ['0', '1000000', 'ten']) {
      const answer = await call('GET', `${path}?size=${size}`);
      assert.equal(answer.status, 400, `${path} size=${size}`);
      assert.equal(answer.body.type, '/std-errors');
      assert.deepEqual(
        answer.body.invalid_parameters.map((p: { field: string }) => p.field),
        ['size'],
      );
    }
  }
  const offset = await call('GET', '/meshes/ins/meshservices/web/_dataplanes?offset=-1');
  assert.equal(offset.status, 400);
});
