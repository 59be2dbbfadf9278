/**
 * `_hostnames` of services through a real control plane's HTTP server: Kuma's
 * shape, and its refusals (a type that is no service, a missing service).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { killAll, startTestControlPlane } from '../cli/harness.js';
import { jsonCall, type JsonAnswer } from '../support/json-call.js';

let cp: RunningControlPlane;

const call = (method: string, path: string, body?: unknown): Promise<JsonAnswer> =>
  jsonCall(cp.apiUrl, method, path, body);

before(async () => {
  cp = await startTestControlPlane();
  // Only the generators each test writes: the zone's defaults (default-hostname-generators.test.ts) would name every service.
  for (const name of ['local-universal-mesh-service', 'local-mesh-external-service'])
    assert.equal((await call('DELETE', `/hostnamegenerators/${name}`)).status, 200);
  const service = {
    type: 'MeshService',
    mesh: 'default',
    name: 'web',
    labels: { 'kuma.io/display-name': 'web', team: 'pay' },
    spec: { selector: { dataplaneTags: { app: 'web' } }, ports: [{ port: 80 }] },
  };
  const put = await call('PUT', '/meshes/default/meshservices/web', service);
  assert.ok(put.status === 201 || put.status === 200, JSON.stringify(put.body));
});
after(async () => {
  killAll();
  await cp.close();
});

test('a service no generator selects has no hostnames: items null, as Kuma answers', async () => {
  assert.deepEqual(await call('GET', '/meshes/default/meshservices/web/_hostnames'), {
    status: 200,
    body: { items: null, total: 0 },
  });
});

test('generators whose selector matches give hostnames, sorted, with the zone', async () => {
  const generators = [
    ['by-name', '{{ .DisplayName }}.svc.{{ .Mesh }}.mesh.local', { 'kuma.io/display-name': 'web' }],
    ['by-team', '{{ label "team" }}-{{ .Name }}.internal', { team: 'pay' }],
    ['other', '{{ .Name }}.other', { team: 'ops' }],
  ] as const;
  for (const [name, template, matchLabels] of generators) {
    const put = await call('PUT', `/hostnamegenerators/${name}`, {
      type: 'HostnameGenerator',
      name,
      spec: { template, selector: { meshService: { matchLabels } } },
    });
    assert.ok(put.status === 201 || put.status === 200, JSON.stringify(put.body));
  }
  try {
    assert.deepEqual(await call('GET', '/meshes/default/meshservices/web/_hostnames'), {
      status: 200,
      body: {
        items: [
          { hostname: 'pay-web.internal', zones: [{ name: 'default' }] },
          { hostname: 'web.svc.default.mesh.local', zones: [{ name: 'default' }] },
        ],
        total: 2,
      },
    });
  } finally {
    for (const [name] of generators) await call('DELETE', `/hostnamegenerators/${name}`);
  }
});

test('a template reading a label the service lacks answers 400 naming the generator', async () => {
  const put = await call('PUT', '/hostnamegenerators/by-tier', {
    type: 'HostnameGenerator',
    name: 'by-tier',
    spec: { template: '{{ label "tier" }}.mesh', selector: { meshService: { matchLabels: {} } } },
  });
  assert.ok(put.status === 201 || put.status === 200, JSON.stringify(put.body));
  try {
    assert.deepEqual(await call('GET', '/meshes/default/meshservices/web/_hostnames'), {
      status: 400,
      body: {
        type: '/std-errors',
        status: 400,
        title: 'could not generate hostname',
        detail: 'HostnameGenerator "by-tier": label tier not found',
        details: 'HostnameGenerator "by-tier": label tier not found',
      },
    });
  } finally {
    await call('DELETE', '/hostnamegenerators/by-tier');
  }
});

test('a generator template beyond fields and label is refused on write', async () => {
  const answer = await call('PUT', '/hostnamegenerators/code', {
    type: 'HostnameGenerator',
    name: 'code',
    spec: { template: '{{ printf "%s" .Name }}.mesh', selector: { meshService: { matchLabels: {} } } },
  });
  assert.equal(answer.status, 400);
  assert.equal(answer.body.invalid_parameters[0].field, 'spec.template');
  assert.match(answer.body.invalid_parameters[0].reason, /function "printf" not defined/);
});

test('a type that is no service answers 400 with Kuma title', async () => {
  for (const type of ['invalidservice', 'dataplanes', 'meshtimeouts']) {
    assert.deepEqual(await call('GET', `/meshes/default/${type}/web/_hostnames`), {
      status: 400,
      body: {
        type: '/std-errors',
        status: 400,
        title: 'only "meshservices,meshexternalservices,meshmultizoneservices" are available for inspection',
        detail: 'Resource is not valid',
        details: 'Resource is not valid',
      },
    });
  }
});

test('a missing service or mesh answers 404 "could not retrieve service"', async () => {
  for (const path of [
    '/meshes/default/meshservices/nope/_hostnames',
    '/meshes/default/meshexternalservices/nope/_hostnames',
    '/meshes/default/meshmultizoneservices/nope/_hostnames',
    '/meshes/nope/meshservices/web/_hostnames',
  ]) {
    assert.deepEqual(
      await call('GET', path),
      {
        status: 404,
        body: {
          type: '/std-errors',
          status: 404,
          title: 'could not retrieve service',
          detail: 'Not found',
          details: 'Not found',
        },
      },
      path,
    );
  }
});
