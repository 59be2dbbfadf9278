/**
 * `_config` through a real control plane's HTTP server: Kuma's `{xds, diff}`
 * built on request, shadow policies applied on demand, the served
 * configuration under `format=koguma`, and refusals in Kuma's error shape.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { killAll, startTestControlPlane } from '../cli/harness.js';
import { jsonCall, type JsonAnswer } from '../support/json-call.js';

let cp: RunningControlPlane;

const call = (method: string, path: string, body?: unknown): Promise<JsonAnswer> =>
  jsonCall(cp.apiUrl, method, path, body);

const LISTENER = 'type.googleapis.com/envoy.config.listener.v3.Listener';
const CONFIG = '/meshes/cfg/dataplanes/dp-1/_config';
const TIMEOUT_PATH = `/${LISTENER.replace('/', '~1')}/inbound:127.0.0.1:8080/filterChains/0/filters/0/typedConfig/idleTimeout`;

const idleTimeoutOf = (xds: any): string | undefined =>
  xds[LISTENER]['inbound:127.0.0.1:8080'].filterChains[0].filters[0].typedConfig.idleTimeout;

/** `_config` once the engine, which follows the store asynchronously, knows the dataplane and the shadow policy. */
async function configOnce(query: string, ready: (body: any) => boolean): Promise<any> {
  await cp.settled();
  const answer = await call('GET', CONFIG + query);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.ok(ready(answer.body), `${CONFIG}${query}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

before(async () => {
  cp = await startTestControlPlane();
  const documents = [
    ['/meshes/cfg', { type: 'Mesh', name: 'cfg' }],
    [
      '/meshes/cfg/dataplanes/dp-1',
      {
        type: 'Dataplane',
        mesh: 'cfg',
        name: 'dp-1',
        networking: { address: '127.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'foo' } }] },
      },
    ],
    [
      '/meshes/cfg/meshtimeouts/idle-inbound',
      {
        type: 'MeshTimeout',
        mesh: 'cfg',
        name: 'idle-inbound',
        labels: { 'kuma.io/effect': 'shadow' },
        spec: {
          targetRef: { kind: 'Mesh' },
          from: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '322s' } }],
        },
      },
    ],
  ] as const;
  for (const [path, doc] of documents) {
    const put = await call('PUT', path, doc);
    assert.ok(put.status === 200 || put.status === 201, `${path}: ${JSON.stringify(put.body)}`);
  }
  await configOnce('?shadow=true', (body) => idleTimeoutOf(body.xds) === '322s');
});
after(async () => {
  killAll();
  await cp.close();
});

test('_config answers the configuration by type URL and name, without shadow policies by default', async () => {
  const { status, body } = await call('GET', CONFIG);
  assert.equal(status, 200);
  assert.deepEqual(Object.keys(body), ['xds']);
  const listener = body.xds[LISTENER]['inbound:127.0.0.1:8080'];
  assert.equal(listener.name, 'inbound:127.0.0.1:8080');
  assert.equal(listener['@type'], undefined, 'the type URL is the key, not a field');
  assert.notEqual(idleTimeoutOf(body.xds), '322s');
  assert.deepEqual(body, (await call('GET', `${CONFIG}?shadow=false`)).body);
});

test('shadow=true applies shadow policies, and include=diff says what they change', async () => {
  const current = (await call('GET', CONFIG)).body.xds;
  const { status, body } = await call('GET', `${CONFIG}?shadow=true&include=diff`);
  assert.equal(status, 200);
  assert.equal(idleTimeoutOf(body.xds), '322s');
  const before = idleTimeoutOf(current);
  assert.deepEqual(body.diff, [
    ...(before === undefined
      ? []
      : [
          { op: 'test', path: TIMEOUT_PATH, value: before },
          { op: 'remove', path: TIMEOUT_PATH, value: before },
        ]),
    { op: 'add', path: TIMEOUT_PATH, value: '322s' },
  ]);
  assert.deepEqual((await call('GET', `${CONFIG}?shadow=false&include=diff`)).body.diff, []);
});

test('format=koguma answers what this instance serves: nothing built for a proxy not connected', async () => {
  const { status, body } = await call('GET', `${CONFIG}?format=koguma`);
  assert.equal(status, 200);
  assert.equal(body.built, false);
  assert.deepEqual(body.xds.LDS, { typeUrl: LISTENER, version: '', resources: [] });
});

test('a bad shadow, include or format answers 400 as Kuma does', async () => {
  for (const [query, parameter] of [
    ['shadow=trrrue', 'shadow'],
    ['shadow=yes', 'shadow'],
    ['include=diff,all', 'include'],
    ['include=', undefined],
    ['format=yaml', 'format'],
  ] as const) {
    const answer = await call('GET', `${CONFIG}?${query}`);
    if (parameter === undefined) {
      assert.equal(answer.status, 200, query);
      continue;
    }
    assert.deepEqual(
      answer,
      {
        status: 400,
        body: {
          type: '/std-errors',
          status: 400,
          title: 'Bad Request',
          detail: `bad request: unsupported value for query parameter '${parameter}'`,
          details: `bad request: unsupported value for query parameter '${parameter}'`,
        },
      },
      query,
    );
  }
});

test('a missing dataplane or mesh answers 404', async () => {
  assert.equal((await call('GET', '/meshes/cfg/dataplanes/nope/_config')).status, 404);
  assert.equal((await call('GET', '/meshes/nope/dataplanes/dp-1/_config?shadow=true')).status, 404);
});
