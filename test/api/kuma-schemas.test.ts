/**
 * The kind schemas accept what Kuma's accept and refuse what Kuma refuses,
 * naming the field and the reason as Kuma does, over real HTTP: documents
 * written for Kuma (tag-free inbounds, zone listeners, reachable backends,
 * a MeshService with a status, policies without a mesh) apply unchanged, and
 * a read shows what Kuma stores (its schema defaults, ignored fields gone).
 * A whole control plane serves them, so the engine builds each proxy too.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { startTestControlPlane } from '../cli/harness.js';

let cp: RunningControlPlane;
let base: string;

before(async () => {
  cp = await startTestControlPlane();
  base = cp.apiUrl;
});
after(() => cp.close());

async function put(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(base + path, {
    method: 'PUT',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function get(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(base + path);
  assert.equal(response.status, 200, `GET ${path}`);
  return (await response.json()) as Record<string, unknown>;
}

async function accepted(path: string, body: unknown): Promise<Record<string, unknown>> {
  const answer = await put(path, body);
  assert.ok(answer.status === 200 || answer.status === 201, `${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return get(path);
}

async function refused(path: string, body: unknown, issues: readonly { field: string; reason: string }[]) {
  const answer = await put(path, body);
  assert.equal(answer.status, 400, JSON.stringify(answer.body));
  assert.deepEqual(answer.body['invalid_parameters'], issues);
  assert.equal((await fetch(base + path)).status, 404, 'nothing is stored');
}

const dataplane = (name: string, networking: Record<string, unknown>, labels?: Record<string, string>) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  ...(labels ? { labels } : {}),
  networking: { address: '10.0.0.1', ...networking },
});

describe('Dataplane', () => {
  test('an inbound without tags, with a protocol, is accepted', async () => {
    const doc = dataplane('tag-free', { inbound: [{ port: 8080, name: 'main', protocol: 'http' }] });
    const read = await accepted('/meshes/default/dataplanes/tag-free', doc);
    assert.deepEqual(read['networking'], doc.networking);
    await cp.settled();
    // The engine builds the proxy: its inbound listener serves http.
    const config = JSON.stringify(await get('/meshes/default/dataplanes/tag-free/_config'));
    assert.match(config, /http_connection_manager/);
  });

  test('zone ingress and egress listeners are accepted', async () => {
    const networking = {
      inbound: [{ port: 8080, name: 'main-port', tags: { 'kuma.io/service': 'foo' } }],
      listeners: [{ type: 'ZoneEgress', address: '127.0.0.1', port: 10002, name: 'ze-port' }],
    };
    // A layout is served in a mesh whose destinations are MeshServices only.
    await accepted('/meshes/zones', { type: 'Mesh', name: 'zones', meshServices: { mode: 'Exclusive' } });
    const doc = { ...dataplane('with-listener', networking), mesh: 'zones' };
    const read = await accepted('/meshes/zones/dataplanes/with-listener', doc);
    assert.deepEqual(read['networking'], { address: '10.0.0.1', ...networking });
    await cp.settled();
    await get('/meshes/zones/dataplanes/with-listener/_config');
    const layout = await get('/meshes/zones/dataplanes/with-listener/_layout');
    assert.deepEqual(layout['listeners'], [
      {
        kri: 'kri_dp_zones_default__with-listener_ze-port',
        type: 'ZoneEgress',
        port: 10002,
        proxyResourceName: 'self_zoneegress_dp_ze-port',
      },
    ]);
  });

  test('reachable backends, direct access services and probes are accepted', async () => {
    const doc = {
      ...dataplane('reaching', {
        inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web' } }],
        transparentProxying: {
          redirectPortInbound: 15006,
          redirectPortOutbound: 15001,
          directAccessServices: ['*'],
          reachableBackends: {
            refs: [
              { kind: 'MeshService', name: 'backend', port: 80 },
              { kind: 'MeshExternalService', labels: { team: 'payments' } },
            ],
          },
        },
      }),
      probes: { port: 9000, endpoints: [{ inboundPort: 8080, inboundPath: '/health', path: '/8080/health' }] },
    };
    const read = await accepted('/meshes/default/dataplanes/reaching', doc);
    assert.deepEqual(read['networking'], doc.networking);
    assert.deepEqual(read['probes'], doc.probes);
  });

  test("an outbound's stray kuma.io/service key is accepted and dropped, as Kuma drops it", async () => {
    const read = await accepted(
      '/meshes/default/dataplanes/stray',
      dataplane('stray', {
        inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web' } }],
        outbound: [
          { port: 8080, backendRef: { kind: 'MeshService', name: 'test-server', port: 80 }, 'kuma.io/service': 'x' },
          { port: 8081, tags: { 'kuma.io/service': 'legacy' } },
        ],
      }),
    );
    assert.deepEqual((read['networking'] as { outbound: unknown }).outbound, [
      { port: 8080, backendRef: { kind: 'MeshService', name: 'test-server', port: 80 } },
      { port: 8081, tags: { 'kuma.io/service': 'legacy' } },
    ]);
  });

  test('a valid kuma.io/workload label is accepted', async () => {
    await accepted(
      '/meshes/default/dataplanes/worker',
      dataplane('worker', { inbound: [{ port: 8080 }] }, { 'kuma.io/workload': 'payments-api' }),
    );
  });

  test('a kuma.io/workload label that is not a DNS-1035 label is refused', async () => {
    await refused(
      '/meshes/default/dataplanes/bad-worker',
      dataplane('bad-worker', { inbound: [{ port: 8080 }] }, { 'kuma.io/workload': '1-api' }),
      [
        {
          field: 'labels["kuma.io/workload"]',
          reason:
            "must be a valid DNS-1035 label (at most 63 characters, matching regex [a-z]([-a-z0-9]*[a-z0-9])?): a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        },
      ],
    );
  });

  test('unknown protocols, inbound tags without a service and bad outbounds are refused', async () => {
    await refused(
      '/meshes/default/dataplanes/bad-protocols',
      dataplane('bad-protocols', {
        inbound: [
          { port: 8080, protocol: 'smtp' },
          { port: 8081, tags: { app: 'web', 'kuma.io/protocol': 'smtp' } },
        ],
        outbound: [
          { port: 9000, tags: { 'kuma.io/service': 'a' }, backendRef: { kind: 'MeshService', name: 'a', port: 80 } },
          { port: 9001, backendRef: { kind: 'MeshService' } },
          { port: 9002 },
        ],
      }),
      [
        {
          field: 'networking.inbound[0].protocol',
          reason: 'has an invalid value "smtp". Allowed values: grpc, http, http2, kafka, tcp',
        },
        {
          field: 'networking.inbound[1].tags["kuma.io/protocol"]',
          reason: 'tag "kuma.io/protocol" has an invalid value "smtp". Allowed values: grpc, http, http2, kafka, tcp',
        },
        { field: 'networking.inbound[1].tags["kuma.io/service"]', reason: 'tag has to exist' },
        { field: 'networking.outbound[0].backendRef', reason: 'both backendRef and tags/service cannot be defined' },
        { field: 'networking.outbound[1].backendRef', reason: "either 'name' or 'labels' should be specified" },
        { field: 'networking.outbound[1].backendRef.port', reason: 'port must be in the range [1, 65535]' },
        { field: 'networking.outbound[2].tags', reason: 'mandatory tag "kuma.io/service" is missing' },
      ],
    );
  });

  test('listeners and reachable backends Kuma refuses are refused', async () => {
    await refused(
      '/meshes/default/dataplanes/bad-listeners',
      dataplane('bad-listeners', {
        inbound: [{ port: 8080, name: 'main' }],
        listeners: [
          { address: '10.0.0.1', port: 8080, name: 'main' },
          { type: 'ZoneIngress', address: '', port: 10001 },
          { type: 'ZoneEgress', address: '127.0.0.1', port: 10002 },
          { type: 'ZoneIngress', address: '127.0.0.1', port: 10002 },
        ],
        transparentProxying: {
          reachableBackends: {
            refs: [
              { kind: 'Dataplane', name: 'x' },
              { kind: 'MeshService', namespace: 'ns' },
              { kind: 'MeshService', name: 'a', labels: { app: 'a' } },
            ],
          },
        },
      }),
      [
        {
          field: 'networking.transparentProxying.reachableBackends.refs[0].kind',
          reason: 'invalid value. Available values are: MeshExternalService,MeshMultiZoneService,MeshService',
        },
        {
          field: 'networking.transparentProxying.reachableBackends.refs[1].name',
          reason: 'name is required, when namespace is defined',
        },
        {
          field: 'networking.transparentProxying.reachableBackends.refs[2].labels',
          reason: 'labels cannot be defined when name is specified',
        },
        { field: 'networking.listeners[0].type', reason: 'type must be ZoneIngress or ZoneEgress' },
        {
          field: 'networking.listeners[0].name',
          reason: 'name "main" must be unique across inbounds and listeners',
        },
        { field: 'networking.listeners[0]', reason: 'address:port 10.0.0.1:8080 collides with an inbound listener' },
        { field: 'networking.listeners[1].address', reason: "address can't be empty" },
        {
          field: 'networking.listeners[3]',
          reason: 'address:port 127.0.0.1:10002 is used by listeners of different types',
        },
      ],
    );
  });
});

describe('MeshService', () => {
  const service = (port: number) => ({
    type: 'MeshService',
    name: 'with-status',
    mesh: 'default',
    spec: { selector: { dataplaneTags: { app: 'httpbin' } }, ports: [{ port, targetPort: 80, protocol: 'tcp' }] },
    status: { vips: [{ ip: '10.0.0.2' }] },
  });

  test("a write's status and ports[].protocol are ignored, Kuma's defaults filled in, the SNIs shown", async () => {
    for (const port of [8081, 8082]) {
      const read = await accepted('/meshes/default/meshservices/with-status', service(port));
      assert.deepEqual(read['spec'], {
        state: 'Unavailable',
        selector: { dataplaneTags: { app: 'httpbin' } },
        ports: [{ port, targetPort: 80, appProtocol: 'tcp' }],
      });
      // What the status updater and the zone's default HostnameGenerator would give it: no proxies, one address.
      assert.deepEqual(read['status'], {
        addresses: [
          {
            hostname: 'with-status.svc.mesh.local',
            origin: 'HostnameGenerator',
            hostnameGeneratorRef: { coreName: 'local-universal-mesh-service' },
          },
        ],
        tls: {},
        dataplaneProxies: {},
      });
      assert.equal((read['snis'] as { port: number }[])[0]?.port, port);
    }
  });

  test('a name that is not a DNS-1035 label is accepted with Kuma’s deprecation warning', async () => {
    const answer = await put('/meshes/default/meshservices/1st', { ...service(80), name: '1st' });
    assert.equal(answer.status, 201);
    assert.match(String((answer.body['warnings'] as string[])[0]), /^Invalid MeshService resource name: '1st'/);
  });
});

describe('policies', () => {
  test('a policy without a mesh is in mesh default, with the access log format defaults filled in', async () => {
    const read = await accepted('/meshes/default/meshaccesslogs/my-access-log', {
      type: 'MeshAccessLog',
      name: 'my-access-log',
      spec: {
        to: [
          {
            targetRef: { kind: 'Mesh' },
            default: {
              backends: [
                { type: 'File', file: { path: '/var/log/mesh.log', format: { type: 'Plain', plain: '%KUMA_MESH%' } } },
              ],
            },
          },
        ],
      },
    });
    assert.equal(read['mesh'], 'default');
    assert.deepEqual(read['status'], {});
    const to = (read['spec'] as { to: { default: { backends: { file: { format: unknown } }[] } }[] }).to;
    assert.deepEqual(to[0]?.default.backends[0]?.file.format, {
      type: 'Plain',
      plain: '%KUMA_MESH%',
      omitEmptyValues: false,
    });
  });

  test('a Dataplane targetRef with neither name nor labels selects every Dataplane, by section', async () => {
    await accepted('/meshes/default/meshratelimits/backend-rate-limit', {
      type: 'MeshRateLimit',
      mesh: 'default',
      name: 'backend-rate-limit',
      spec: {
        targetRef: { kind: 'Dataplane', sectionName: 'main-port' },
        rules: [{ default: { local: { http: { requestRate: { num: 5, interval: '10s' } } } } }],
      },
    });
  });

  test('MeshTimeout and MeshRetry may configure a MeshHTTPRoute in to[]', async () => {
    const to = (conf: unknown) => [{ targetRef: { kind: 'MeshHTTPRoute', name: 'the-http-route' }, default: conf }];
    await accepted('/meshes/default/meshtimeouts/mt-1', {
      type: 'MeshTimeout',
      mesh: 'default',
      name: 'mt-1',
      spec: { targetRef: { kind: 'Mesh' }, to: to({ http: { requestTimeout: '5s' } }) },
    });
    await accepted('/meshes/default/meshretries/mr-1', {
      type: 'MeshRetry',
      mesh: 'default',
      name: 'mr-1',
      spec: { targetRef: { kind: 'Mesh' }, to: to({ http: { numRetries: 3 } }) },
    });
  });

  test('a policy-role label other than system is accepted, as Kuma on Universal accepts it', async () => {
    await accepted('/meshes/default/meshtimeouts/consumer', {
      type: 'MeshTimeout',
      mesh: 'default',
      name: 'consumer',
      labels: { 'kuma.io/policy-role': 'consumer' },
      spec: { to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '7s' } }] },
    });
  });

  test('a wrong type is worded as Kuma words it, and only once the schema holds is default required', async () => {
    await refused(
      '/meshes/default/meshtrafficpermissions/sample',
      {
        type: 'MeshTrafficPermission',
        name: 'sample',
        spec: { targetRef: { kind: 'MeshService', name: 2 }, from: [{ targetRef: { kind: 'Mesh' } }] },
      },
      [{ field: 'spec.targetRef.name', reason: 'in body must be of type string: "number"' }],
    );
    await refused(
      '/meshes/default/meshtrafficpermissions/sample',
      { type: 'MeshTrafficPermission', name: 'sample', spec: { from: [{ targetRef: { kind: 'Mesh' } }] } },
      [{ field: 'spec.from[0].default.action', reason: 'must be defined' }],
    );
  });

  test('a body of another type than the URL names is refused as Kuma words it', async () => {
    await refused(
      '/meshes/default/meshtrafficpermissions/sample',
      { type: 'TrafficPermission', name: 'sample', spec: { targetRef: { kind: 'Mesh' } } },
      [{ field: '', reason: 'type in body should be one of [MeshTrafficPermission]' }],
    );
  });

  test('labels are refused key by key, in sorted order, in the words of the Kubernetes rules', async () => {
    const name =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    await refused(
      '/meshes/default/meshtrafficpermissions/sample',
      {
        type: 'MeshTrafficPermission',
        name: 'sample',
        mesh: 'default',
        labels: { 'foo/bar/baz': 'bar', '': 'bar', foo: '^*bar', 'Bad_Prefix/x': 'ok' },
        spec: { targetRef: { kind: 'Mesh' }, from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'Allow' } }] },
      },
      [
        { field: 'labels[""]', reason: 'name part must be non-empty' },
        { field: 'labels[""]', reason: `name part ${name}` },
        {
          field: 'labels["Bad_Prefix/x"]',
          reason:
            "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        },
        {
          field: 'labels["foo"]',
          reason:
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        },
        {
          field: 'labels["foo/bar/baz"]',
          reason: `a valid label key ${name} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
        },
      ],
    );
  });
});
