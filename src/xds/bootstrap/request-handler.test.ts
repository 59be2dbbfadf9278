import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { KogumaError } from '../../api/index.js';
import { kindRegistry } from '../../cp/catalogue.js';
import { ResourceManager } from '../../manager/index.js';
import { createStore, type ResourceStore } from '../../store/index.js';
import { createBootstrapHandler } from './request-handler.js';

let store: ResourceStore;
let handler: ReturnType<typeof createBootstrapHandler>;

const dataplane = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web' } }], ...extra },
});

before(async () => {
  store = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags });
  const manager = new ResourceManager(store, kindRegistry);
  await manager.ensureDefaultMesh();
  await manager.put(dataplane('existing', { admin: { port: 9911 } }));
  handler = createBootstrapHandler({ manager, xdsAddress: '192.0.2.10', xdsPort: 5678 });
});
after(() => store.close());

const text = (body: string | Uint8Array) => (typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));

test('direct mode answers the Envoy bootstrap YAML carrying the node id, the dataplane and the control plane address', async () => {
  const resource = JSON.stringify(dataplane('web-1'));
  const answer = await handler(
    { mesh: 'default', name: 'web-1', proxyType: 'dataplane', dataplaneResource: resource },
    'application/yaml',
  );
  assert.equal(answer.status, 200);
  const bootstrap = parse(text(answer.body));
  assert.equal(bootstrap.node.id, 'default.web-1');
  assert.equal(bootstrap.node.cluster, 'web');
  assert.equal(bootstrap.node.metadata['dataplane.resource'], resource);
  assert.equal(bootstrap.node.metadata['koguma.io/proxy-flavour'], 'envoy');
  const ads = bootstrap.static_resources.clusters[0];
  assert.equal(ads.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address, '192.0.2.10');
  assert.equal(bootstrap.admin.address.socket_address.port_value, 9901);
});

test('with Accept: application/json the YAML comes base64 in {bootstrap}', async () => {
  const answer = await handler({ mesh: 'default', name: 'existing' }, 'application/json');
  assert.equal(answer.contentType, 'application/json');
  const yaml = Buffer.from(JSON.parse(text(answer.body)).bootstrap, 'base64').toString('utf8');
  const bootstrap = parse(yaml);
  assert.equal(bootstrap.node.id, 'default.existing');
  assert.equal(bootstrap.admin.address.socket_address.port_value, 9911, 'indirect mode reads the stored Dataplane');
  assert.equal(bootstrap.node.metadata['dataplane.resource'], undefined);
});

test("the admin port the agent asks for wins over the Dataplane's", async () => {
  const answer = await handler({ mesh: 'default', name: 'existing', adminPort: 9999 }, undefined);
  assert.equal(parse(text(answer.body)).admin.address.socket_address.port_value, 9999);
});

test('Envoy speaks delta xDS unless the agent asks for the state of the world; any other protocol is a 422', async () => {
  const apiType = async (extra: Record<string, unknown>) =>
    parse(text((await handler({ mesh: 'default', name: 'existing', ...extra }, undefined)).body)).dynamic_resources
      .ads_config.api_type;
  assert.equal(await apiType({}), 'DELTA_GRPC');
  assert.equal(await apiType({ xdsTransport: 'delta' }), 'DELTA_GRPC');
  assert.equal(await apiType({ xdsTransport: 'sotw' }), 'GRPC');
  const answer = await handler({ mesh: 'default', name: 'existing', xdsTransport: 'incremental' }, undefined);
  assert.equal(answer.status, 422);
  assert.deepEqual(JSON.parse(text(answer.body)).invalid_parameters, [
    { field: 'xdsTransport', reason: 'must be "delta" or "sotw"' },
  ]);
});

test('an invalid carried dataplane is a 422 naming its fields', async () => {
  const bad = JSON.stringify({
    ...dataplane('web-1'),
    networking: { address: '10.0.0.1', inbound: [{ port: 0, tags: { 'kuma.io/service': 'web' } }] },
  });
  const answer = await handler({ mesh: 'default', name: 'web-1', dataplaneResource: bad }, undefined);
  assert.equal(answer.status, 422);
  assert.deepEqual(JSON.parse(text(answer.body)).invalid_parameters, [
    { field: 'dataplaneResource.networking.inbound[0].port', reason: 'must be a port between 1 and 65535' },
  ]);
});

test('a carried dataplane for another name is a 422', async () => {
  const answer = await handler(
    { mesh: 'default', name: 'web-1', dataplaneResource: JSON.stringify(dataplane('web-2')) },
    undefined,
  );
  assert.equal(answer.status, 422);
  assert.deepEqual(JSON.parse(text(answer.body)).invalid_parameters, [
    { field: 'dataplaneResource.name', reason: 'must be "web-1" to match the URL' },
  ]);
});

test('a malformed request is a 422; an unknown dataplane in indirect mode is NotFound (404)', async () => {
  const answer = await handler({ name: 'web-1' }, undefined);
  assert.equal(answer.status, 422);
  assert.deepEqual(JSON.parse(text(answer.body)).invalid_parameters, [{ field: 'mesh', reason: 'is required' }]);
  await assert.rejects(
    handler({ mesh: 'default', name: 'nobody' }, undefined),
    (error: KogumaError) => error.code === 'NotFound',
  );
});

test('a carried dataplane nested too deep is a 422 naming where, before anything recurses into it', async () => {
  const deep = `{"type":"Dataplane","mesh":"default","name":"web-1","networking":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const answer = await handler({ mesh: 'default', name: 'web-1', dataplaneResource: deep }, undefined);
  assert.equal(answer.status, 422);
  assert.deepEqual(JSON.parse(text(answer.body)).invalid_parameters, [
    { field: `dataplaneResource.networking${'[0]'.repeat(63)}`, reason: 'nested deeper than 64 levels' },
  ]);
});

test('a carried dataplane over 256 KiB is a 422 before it is parsed', async () => {
  const large = JSON.stringify({ ...dataplane('web-1'), labels: { pad: 'x'.repeat(256 * 1024) } });
  const answer = await handler({ mesh: 'default', name: 'web-1', dataplaneResource: large }, undefined);
  assert.equal(answer.status, 422);
  assert.deepEqual(JSON.parse(text(answer.body)).invalid_parameters, [
    { field: 'dataplaneResource', reason: `must be at most 256 KiB (it is ${Buffer.byteLength(large)} bytes)` },
  ]);
});

test('a request body nested too deep or holding a NUL is a 422 naming the field', async () => {
  let version: unknown = 'x';
  for (let i = 0; i < 10_000; i++) version = [version];
  const deep = await handler({ mesh: 'default', name: 'existing', version }, undefined);
  assert.equal(deep.status, 422);
  assert.deepEqual(JSON.parse(text(deep.body)).invalid_parameters, [
    { field: `version${'[0]'.repeat(63)}`, reason: 'nested deeper than 64 levels' },
  ]);
  const nul = await handler({ mesh: 'default', name: 'existing\u0000' }, undefined);
  assert.deepEqual(JSON.parse(text(nul.body)).invalid_parameters, [
    { field: 'name', reason: 'must not contain the NUL character' },
  ]);
});

test('a bootstrap for a mesh named with a dot, or a name Kubernetes would refuse, is a 422', async () => {
  const answer = await handler({ mesh: 'prod.eu', name: 'Web_1' }, undefined);
  assert.equal(answer.status, 422);
  assert.deepEqual(
    JSON.parse(text(answer.body)).invalid_parameters.map((p: { field: string }) => p.field),
    ['mesh', 'name'],
  );
});
