import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { kindRegistry } from '../../src/cp/catalogue.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
before(async () => {
  api = await startTestApi();
});
after(() => api.close());

test('GET / says which control plane this is', async () => {
  const body = (await api.app.inject({ method: 'GET', url: '/' })).json();
  assert.equal(body.product, 'Koguma');
  assert.equal(body.version, '0.0.0-test');
  assert.equal(body.instanceId, 'test-instance');
  assert.equal(body.clusterId, await api.store.clusterId());
  assert.equal(typeof body.hostname, 'string');
  assert.equal(typeof body.gui, 'string');
});

test('GET /_resources describes every kind with its path, scope and policy flags', async () => {
  const { resources } = (await api.app.inject({ method: 'GET', url: '/_resources' })).json();
  assert.equal(resources.length, kindRegistry.kinds.length);
  const byName = new Map<string, { policy?: { isFromAsRules: boolean }; includeInFederation?: boolean }>(
    resources.map((r: { name: string }) => [r.name, r]),
  );
  assert.deepEqual(byName.get('Mesh'), {
    name: 'Mesh',
    path: 'meshes',
    singularDisplayName: 'Mesh',
    pluralDisplayName: 'Meshes',
    scope: 'Global',
    readOnly: false,
    includeInFederation: true,
    shortName: 'm',
  });
  assert.deepEqual(byName.get('MeshTimeout'), {
    name: 'MeshTimeout',
    path: 'meshtimeouts',
    singularDisplayName: 'Mesh Timeout',
    pluralDisplayName: 'Mesh Timeouts',
    scope: 'Mesh',
    readOnly: false,
    includeInFederation: true,
    shortName: 'mt',
    policy: {
      isTargetRef: true,
      hasToTargetRef: true,
      hasFromTargetRef: true,
      hasRulesTargetRef: true,
      isFromAsRules: true,
    },
  });
  assert.equal(byName.get('MeshTrafficPermission')?.policy?.isFromAsRules, false);
  assert.equal(byName.get('Dataplane')?.includeInFederation, false);
  const names = resources.map((r: { name: string }) => r.name);
  assert.deepEqual(names, [...names].sort(), 'listed by name, as Kuma lists them');
});

test('every kind of KUMA-COMPAT is served', () => {
  const expected = [
    'Mesh',
    'Dataplane',
    'Secret',
    'MeshService',
    'MeshExternalService',
    'MeshMultiZoneService',
    'MeshGateway',
    'HostnameGenerator',
    'MeshIdentity',
    'MeshTrust',
    'MeshZoneAddress',
    'MeshOpenTelemetryBackend',
    'Workload',
    'GlobalSecret',
    'Zone',
    'ZoneIngress',
    'ZoneEgress',
    'DataplaneInsight',
    'ZoneInsight',
    'ZoneIngressInsight',
    'ZoneEgressInsight',
    'MeshInsight',
    'ServiceInsight',
    'MeshHTTPRoute',
    'MeshTCPRoute',
    'MeshTLS',
    'MeshLoadBalancingStrategy',
    'MeshPassthrough',
    'MeshAccessLog',
    'MeshTrace',
    'MeshFaultInjection',
    'MeshRateLimit',
    'MeshTimeout',
    'MeshTrafficPermission',
    'MeshHealthCheck',
    'MeshCircuitBreaker',
    'MeshRetry',
    'MeshMetric',
    'MeshProxyPatch',
  ];
  assert.deepEqual(kindRegistry.kinds.map((k) => k.name).sort(), expected.sort());
  const orders = kindRegistry.policies.map((k) => [k.name, k.policy!.order]);
  assert.deepEqual(orders, [
    ['MeshHTTPRoute', 100],
    ['MeshTCPRoute', 200],
    ['MeshTLS', 300],
    ['MeshLoadBalancingStrategy', 400],
    ['MeshPassthrough', 500],
    ['MeshAccessLog', 600],
    ['MeshTrace', 700],
    ['MeshFaultInjection', 800],
    ['MeshRateLimit', 900],
    ['MeshTimeout', 1000],
    ['MeshTrafficPermission', 1100],
    ['MeshHealthCheck', 1200],
    ['MeshCircuitBreaker', 1300],
    ['MeshRetry', 1400],
    ['MeshMetric', 1500],
    ['MeshProxyPatch', 9999],
  ]);
});

test('GET /config shows the effective configuration', async () => {
  const body = (await api.app.inject({ method: 'GET', url: '/config' })).json();
  assert.equal(body.store, 'memory');
});

test('GET /openapi.json documents every kind with its schema and paths', async () => {
  const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  assert.equal(doc.openapi, '3.1.0');
  for (const kind of kindRegistry.kinds) {
    assert.ok(doc.components.schemas[kind.name], `schema of ${kind.name}`);
    const item = kind.scope === 'Global' ? `/${kind.plural}/{name}` : `/meshes/{mesh}/${kind.plural}/{name}`;
    assert.ok(doc.paths[item]?.put, `PUT ${item}`);
  }
  const timeout = doc.components.schemas.MeshTimeout;
  assert.equal(timeout.additionalProperties, false);
  assert.equal(
    timeout.properties.spec.properties.to.items.properties.default.properties.http.properties.requestTimeout.type,
    'string',
  );
  assert.ok(!JSON.stringify(doc).includes('errorMessage'));
});

test('GET / names the Kuma release whose API this follows', async () => {
  const body = (await api.app.inject({ method: 'GET', url: '/' })).json();
  assert.match(body.basedOnKuma, /^2\.\d+\.\d+$/);
});

test('GET /who-am-i names the caller and its groups, as access control sees it', async () => {
  const local = (await api.app.inject({ method: 'GET', url: '/who-am-i' })).json();
  assert.deepEqual(local, { name: 'mesh-system:admin', groups: ['mesh-system:admin', 'mesh-system:authenticated'] });
  const user = await api.app.inject({
    method: 'GET',
    url: '/who-am-i',
    headers: { authorization: `Bearer ${api.userToken}` },
  });
  assert.deepEqual(user.json(), { name: 'test-user', groups: ['mesh-system:authenticated'] });
  const remote = await api.app.inject({ method: 'GET', url: '/who-am-i', remoteAddress: '203.0.113.7' });
  assert.deepEqual(remote.json(), { name: 'mesh-system:anonymous', groups: ['mesh-system:unauthenticated'] });
});

test('GET /policies lists every policy kind by name with the sides it acts on', async () => {
  const { policies } = (await api.app.inject({ method: 'GET', url: '/policies' })).json();
  assert.deepEqual(
    policies.map((p: { name: string }) => p.name),
    kindRegistry.policies.map((k) => k.name).sort(),
  );
  assert.deepEqual(
    policies.find((p: { name: string }) => p.name === 'MeshTrafficPermission'),
    {
      name: 'MeshTrafficPermission',
      readOnly: false,
      path: 'meshtrafficpermissions',
      singularDisplayName: 'Mesh Traffic Permission',
      pluralDisplayName: 'Mesh Traffic Permissions',
      isExperimental: false,
      isTargetRefBased: true,
      isInbound: true,
      isOutbound: false,
    },
  );
});
