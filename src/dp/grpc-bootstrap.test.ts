import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpAddress } from './cp-address.js';
import { dataplaneFromText } from './dataplane-file.js';
import { proxylessBootstrap, proxylessBootstrapJson, proxylessEnv } from './grpc-bootstrap.js';
import { parseTemplateVars } from './template.js';

const cpAddress = parseCpAddress('http://10.0.0.100:5678');
const dataplane = dataplaneFromText(
  'type: Dataplane\nmesh: default\nname: api-1\nnetworking:\n  address: 10.0.0.7\n  inbound:\n    - port: 9090\n      tags:\n        kuma.io/service: api\n        kuma.io/protocol: grpc\n',
  'dp.yaml',
  parseTemplateVars([]),
  {},
);

test('direct mode: node id, service, zone, the flavour and the Dataplane in the metadata, the DP server as xDS server', () => {
  const bootstrap = proxylessBootstrap({ dataplane, cpAddress, zone: 'zone-a' });
  assert.equal(bootstrap.node.id, 'default.api-1');
  assert.equal(bootstrap.node.cluster, 'api');
  assert.deepEqual(bootstrap.node.locality, { zone: 'zone-a' });
  assert.equal(bootstrap.xds_servers[0]?.server_uri, '10.0.0.100:5678');
  assert.deepEqual(bootstrap.xds_servers[0]?.channel_creds, [{ type: 'insecure' }]);
  assert.equal(bootstrap.node.metadata?.['koguma.io/proxy-flavour'], 'grpc');
  assert.deepEqual(JSON.parse(String(bootstrap.node.metadata?.['dataplane.resource'])), dataplane.document);
  assert.equal(bootstrap.server_listener_resource_name_template, 'grpc/server?xds.resource.listening_address=%s');
});

test('indirect mode: only the flavour in the metadata, an empty locality (grpc-js requires the field)', () => {
  const bootstrap = proxylessBootstrap({ dataplane: { mesh: 'default', name: 'api-1' }, cpAddress });
  assert.deepEqual(bootstrap.node.metadata, { 'koguma.io/proxy-flavour': 'grpc' });
  assert.deepEqual(bootstrap.node.locality, {});
  assert.equal(bootstrap.node.cluster, undefined);
});

test('the JSON text is stable: the same inputs give the same bytes', () => {
  assert.equal(proxylessBootstrapJson({ dataplane, cpAddress }), proxylessBootstrapJson({ dataplane, cpAddress }));
  assert.ok(proxylessBootstrapJson({ dataplane, cpAddress }).endsWith('}\n'));
});

test("the application's environment gets the bootstrap and RBAC, and loses a bootstrap file that would win over it", () => {
  const env = proxylessEnv({ PATH: '/bin', GRPC_XDS_BOOTSTRAP: '/etc/old.json' }, '{"x":1}');
  assert.deepEqual(env, { PATH: '/bin', GRPC_XDS_BOOTSTRAP_CONFIG: '{"x":1}', GRPC_XDS_EXPERIMENTAL_RBAC: 'true' });
});
