/**
 * A zone starts with Kuma's default HostnameGenerators: every MeshService and
 * MeshExternalService made here gets a `.svc.mesh.local` / `.extsvc.mesh.local`
 * name, and a deleted default comes back when the control plane starts again.
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
});
after(async () => {
  killAll();
  await cp.close();
});

test('the defaults are listed, with the labels a zone gives what it creates', async () => {
  const { status, body } = await call('GET', '/hostnamegenerators');
  assert.equal(status, 200);
  const byName = new Map<string, any>(body.items.map((item: { name: string }) => [item.name, item]));
  assert.deepEqual(byName.get('local-universal-mesh-service')?.spec, {
    selector: { meshService: { matchLabels: { 'kuma.io/origin': 'zone' } } },
    template: '{{ .DisplayName }}.svc.mesh.local',
  });
  assert.deepEqual(byName.get('local-mesh-external-service')?.spec, {
    selector: { meshExternalService: { matchLabels: { 'kuma.io/origin': 'zone' } } },
    template: '{{ .DisplayName }}.extsvc.mesh.local',
  });
  assert.equal(byName.get('local-universal-mesh-service')?.labels['kuma.io/origin'], 'zone');
});

test('a MeshService and a MeshExternalService made here are named by them', async () => {
  const service = await call('PUT', '/meshes/default/meshservices/redis', {
    type: 'MeshService',
    mesh: 'default',
    name: 'redis',
    spec: { selector: { dataplaneTags: { app: 'redis' } }, ports: [{ port: 6379 }] },
  });
  assert.equal(service.status, 201, JSON.stringify(service.body));
  const external = await call('PUT', '/meshes/default/meshexternalservices/aurora', {
    type: 'MeshExternalService',
    mesh: 'default',
    name: 'aurora',
    spec: {
      match: { type: 'HostnameGenerator', port: 5432, protocol: 'tcp' },
      endpoints: [{ address: '10.0.0.9', port: 5432 }],
    },
  });
  assert.equal(external.status, 201, JSON.stringify(external.body));

  const hostnames = async (path: string) =>
    (await call('GET', `${path}/_hostnames`)).body.items.map((i: any) => i.hostname);
  assert.deepEqual(await hostnames('/meshes/default/meshservices/redis'), ['redis.svc.mesh.local']);
  assert.deepEqual(await hostnames('/meshes/default/meshexternalservices/aurora'), ['aurora.extsvc.mesh.local']);
});

test('ensuring the defaults again, as every start does, makes a deleted one again and keeps an edited one', async () => {
  assert.equal((await call('DELETE', '/hostnamegenerators/local-mesh-external-service')).status, 200);
  const edited = await call('GET', '/hostnamegenerators/local-universal-mesh-service');
  edited.body.spec.template = '{{ .DisplayName }}.svc.example';
  delete edited.body.creationTime;
  delete edited.body.modificationTime;
  delete edited.body.kri;
  assert.equal((await call('PUT', '/hostnamegenerators/local-universal-mesh-service', edited.body)).status, 200);

  await cp.manager.ensureDefaultHostnameGenerators();
  assert.equal((await call('GET', '/hostnamegenerators/local-mesh-external-service')).status, 200);
  assert.equal(
    (await call('GET', '/hostnamegenerators/local-universal-mesh-service')).body.spec.template,
    '{{ .DisplayName }}.svc.example',
  );
});
