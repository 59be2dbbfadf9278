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
    assert.deepEqual(body['snis'], [{ port: 4242, sni: 'sni.extsvc.default.default.mes-tcp.4242' }]);
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
    assert.deepEqual(body['snis'], [{ port: 80, sni: 'sni.mzsvc.default.default.backend.80' }]);
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

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

describe('identities, addresses, workloads', () => {
  test('MeshIdentity, MeshZoneAddress, MeshOpenTelemetryBackend', async () => {
    const identity = await roundTrip('/meshes/default/meshidentities/identity', ['/meshidentities'], {
      type: 'MeshIdentity',
      mesh: 'default',
      name: 'identity',
      spec: {
        selector: { dataplane: { matchLabels: {} } },
        provider: { type: 'Bundled', bundled: { autogenerate: { enabled: true } } },
      },
    });
    assert.deepEqual(identity['status'], {});
    await roundTrip('/meshes/default/meshzoneaddresses/zone-1', ['/meshes/default/meshzoneaddresses'], {
      type: 'MeshZoneAddress',
      mesh: 'default',
      name: 'zone-1',
      spec: { address: '10.0.0.1', port: 10001 },
    });
    await roundTrip('/meshes/default/meshopentelemetrybackends/otel', ['/meshopentelemetrybackends'], {
      type: 'MeshOpenTelemetryBackend',
      mesh: 'default',
      name: 'otel',
      spec: { endpoint: { address: 'collector', port: 4317 }, protocol: 'grpc' },
    });
  });

  test('MeshTrust: spec.origin is stored with a deprecation warning; a status on input is ignored', async () => {
    const spec = { trustDomain: 'example.com', caBundles: [{ type: 'Pem', pem: { value: pem } }] };
    const created = await put('/meshes/default/meshtrusts/trust-1', {
      type: 'MeshTrust',
      mesh: 'default',
      name: 'trust-1',
      spec: { ...spec, origin: { kri: 'kri-test-value' } },
    });
    assert.equal(created.statusCode, 201);
    assert.deepEqual(created.json(), { warnings: ['setting spec.origin field is deprecated'] });
    const second = await put('/meshes/default/meshtrusts/trust-2', {
      type: 'MeshTrust',
      mesh: 'default',
      name: 'trust-2',
      spec,
      status: { origin: { kri: 'user-set-kri' } },
    });
    assert.equal(second.statusCode, 201);
    assert.deepEqual((await get('/meshes/default/meshtrusts/trust-2')).json().status, {});
  });

  test('Workload: the status given on PUT is never stored; reads show zero counts until the control plane sets them', async () => {
    const document = {
      type: 'Workload',
      mesh: 'default',
      name: 'with-status',
      spec: {},
      status: { dataplaneProxies: { total: 5, connected: 4, healthy: 3 } },
    };
    assert.equal((await put('/meshes/default/workloads/with-status', document)).statusCode, 201);
    const zero = { dataplaneProxies: { connected: 0, healthy: 0, total: 0 } };
    assert.deepEqual((await get('/meshes/default/workloads/with-status')).json().status, zero);
    assert.equal((await put('/meshes/default/workloads/with-status', document)).statusCode, 200);
    assert.deepEqual((await get('/meshes/default/workloads/with-status')).json().status, zero);
  });
});

describe('global kinds and the zone proxies', () => {
  test('GlobalSecret at /globalsecrets and /global-secrets alike', async () => {
    await roundTrip('/global-secrets/gs-1', ['/globalsecrets', '/global-secrets'], {
      type: 'GlobalSecret',
      name: 'gs-1',
      data: 'Z3MtMQ==',
    });
    assert.equal(
      (await put('/globalsecrets/gs-2', { type: 'GlobalSecret', name: 'gs-2', data: 'Z3MtMg==' })).statusCode,
      201,
    );
    assert.equal((await get('/global-secrets/gs-2')).json().data, 'Z3MtMg==');
  });

  test('Zone, ZoneIngress (also at /zone-ingresses), ZoneEgress', async () => {
    await roundTrip('/zones/zone-1', ['/zones'], { type: 'Zone', name: 'zone-1', enabled: true });
    await roundTrip('/zone-ingresses/zi-1', ['/zoneingresses', '/zone-ingresses'], {
      type: 'ZoneIngress',
      name: 'zi-1',
      networking: { address: '10.2.3.4', advertisedAddress: '10.3.4.5', port: 1000, advertisedPort: 1000 },
    });
    await roundTrip('/zoneegresses/ze-1', ['/zoneegresses'], {
      type: 'ZoneEgress',
      name: 'ze-1',
      zone: 'zone-1',
      networking: { address: '10.0.0.2', port: 10002 },
    });
    const refused = await put('/zoneingresses/zi-2', {
      type: 'ZoneIngress',
      name: 'zi-2',
      networking: { address: '10.2.3.4' },
    });
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(
      refused.json().invalid_parameters.map((p: { field: string }) => p.field),
      ['networking.port'],
    );
  });

  test('insights are listed but never written through the API: PUT and DELETE answer 405 whatever the body', async () => {
    for (const [url, list] of [
      ['/meshes/default/dataplane-insights/dp-1', '/meshes/default/dataplane-insights'],
      ['/zone-insights/zone-1', '/zone-insights'],
      ['/zone-ingress-insights/zi-1', '/zone-ingress-insights'],
      ['/zoneegressinsights/ze-1', '/zoneegressinsights'],
    ] as const) {
      for (const body of [{}, { type: 'ZoneInsight', name: 'zone-1' }]) {
        const response = await put(url, body);
        assert.equal(response.statusCode, 405, `PUT ${url}`);
        assert.equal(response.json().status, 405);
      }
      assert.equal((await del(url)).statusCode, 405, `DELETE ${url}`);
      assert.equal((await get(url)).statusCode, 404);
      assert.deepEqual((await get(list)).json().total, 0);
    }
  });
});
