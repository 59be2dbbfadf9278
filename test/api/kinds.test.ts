/**
 * The kinds beside Mesh, Dataplane, Secret and MeshService, through the real
 * HTTP routes: written, read back, listed (in the mesh and across meshes, or
 * as a global kind), deleted; warnings and computed fields as Kuma shows them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
before(async () => {
  api = await startTestApi();
});
after(() => api.close());

const put = (url: string, payload: unknown) => api.app.inject({ method: 'PUT', url, payload: payload as object });
const get = (url: string) => api.app.inject({ method: 'GET', url });
const del = (url: string) => api.app.inject({ method: 'DELETE', url });

/** PUT, read back, list, delete: the document as stored is the document as given. */
async function roundTrip(itemUrl: string, listUrls: readonly string[], document: Record<string, unknown>) {
  const created = await put(itemUrl, document);
  assert.equal(created.statusCode, 201, created.body);
  assert.equal((await put(itemUrl, document)).statusCode, 200);
  const read = await get(itemUrl);
  assert.equal(read.statusCode, 200);
  const body = read.json();
  for (const [field, value] of Object.entries(document))
    if (field !== 'status') assert.deepEqual(body[field], value, field);
  for (const listUrl of listUrls) {
    const list = (await get(listUrl)).json();
    assert.ok(
      list.items.some((item: { name: string }) => item.name === document['name']),
      `${listUrl} lists ${String(document['name'])}`,
    );
  }
  assert.equal((await del(itemUrl)).statusCode, 200);
  assert.equal((await get(itemUrl)).statusCode, 404);
  return body as Record<string, unknown>;
}

describe('destinations and gateways', () => {
  test('MeshExternalService: stored as given, with its SNI and an empty status; status on input is ignored', async () => {
    const document = {
      type: 'MeshExternalService',
      mesh: 'default',
      name: 'mes-tcp',
      spec: {
        match: { type: 'HostnameGenerator', port: 4242, protocol: 'tcp' },
        endpoints: [{ address: 'tcpbin.com', port: 4242 }],
      },
    };
    const body = await roundTrip(
      '/meshes/default/meshexternalservices/mes-tcp',
      ['/meshes/default/meshexternalservices', '/meshexternalservices'],
      {
        ...document,
        status: { vip: { ip: '240.0.0.1' } },
      },
    );
    assert.deepEqual(body['status'], { vip: {} });
    assert.deepEqual(body['snis'], [{ port: 4242, sni: 'sni.extsvc.default.mes-tcp.4242' }]);
    assert.deepEqual((await get('/meshes/default/extsvc/mes-tcp')).statusCode, 404, 'short names are no paths');
  });

  test("MeshExternalService: a name that is not a DNS label is stored, with Kuma's warnings", async () => {
    const response = await put('/meshes/default/meshexternalservices/mes.http', {
      type: 'MeshExternalService',
      mesh: 'default',
      name: 'mes.http',
      spec: { match: { port: 80, protocol: 'http' }, endpoints: [{ address: 'httpbin.org', port: 80 }] },
    });
    assert.equal(response.statusCode, 201);
    const { warnings } = response.json();
    assert.equal(warnings.length, 2);
    assert.match(
      warnings[0],
      /^Invalid MeshExternalService resource name: 'mes.http'. It does not conform to the DNS format \(RFC 1035\)/,
    );
    assert.equal(
      warnings[1],
      'Invalid MeshExternalService SNI (port "80"): name "mes.http" does not conform to RFC 1123: must not contain dots. This is deprecated.',
    );
    assert.equal((await get('/meshes/default/meshexternalservices/mes.http')).statusCode, 200);
  });

  test('MeshExternalService: an invalid one is refused naming the field, and nothing is stored', async () => {
    const response = await put('/meshes/default/meshexternalservices/bad', {
      type: 'MeshExternalService',
      mesh: 'default',
      name: 'bad',
      spec: { match: { port: 0 } },
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(
      response.json().invalid_parameters.map((p: { field: string }) => p.field),
      ['spec.match.port'],
    );
    assert.equal((await get('/meshes/default/meshexternalservices/bad')).statusCode, 404);
  });

  test('MeshMultiZoneService', async () => {
    const body = await roundTrip(
      '/meshes/default/meshmultizoneservices/backend',
      ['/meshes/default/meshmultizoneservices'],
      {
        type: 'MeshMultiZoneService',
        mesh: 'default',
        name: 'backend',
        spec: {
          selector: { meshService: { matchLabels: { 'kuma.io/display-name': 'backend' } } },
          ports: [{ port: 80, appProtocol: 'http' }],
        },
      },
    );
    assert.deepEqual(body['status'], {});
    assert.deepEqual(body['snis'], [{ port: 80, sni: 'sni.mzsvc.default.backend.80' }]);
  });

  test('MeshGateway: a flat kind', async () => {
    await roundTrip('/meshes/default/meshgateways/edge', ['/meshes/default/meshgateways', '/meshgateways'], {
      type: 'MeshGateway',
      mesh: 'default',
      name: 'edge',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] },
    });
  });

  test('HostnameGenerator: a global kind at /hostnamegenerators/{name}', async () => {
    await roundTrip('/hostnamegenerators/local', ['/hostnamegenerators'], {
      type: 'HostnameGenerator',
      name: 'local',
      spec: {
        selector: { meshService: { matchLabels: { 'kuma.io/origin': 'zone' } } },
        template: '{{ .DisplayName }}.svc.mesh.local',
      },
    });
    const misplaced = await put('/meshes/default/hostnamegenerators/local', {
      type: 'HostnameGenerator',
      name: 'local',
      spec: {},
    });
    assert.equal(misplaced.statusCode, 404, 'a global kind has no path in a mesh');
  });
});
