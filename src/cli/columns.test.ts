import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindRegistry } from '../cp/catalogue.js';
import {
  columnsFor,
  dataplaneOtherTags,
  dataplaneServices,
  describeTargetRef,
  meshMtls,
  tableRows,
} from './columns.js';

const kind = (name: string) => {
  const found = kindRegistry.resolve(name);
  assert.ok(found, `kind ${name} is registered`);
  return found;
};
const headers = (name: string) => columnsFor(kind(name)).map((c) => c.header);

test('dataplanes show address, services, other tags and age after mesh and name', () => {
  assert.deepEqual(headers('dataplanes'), ['MESH', 'NAME', 'ADDRESS', 'SERVICES', 'TAGS', 'AGE']);
});

test('meshes have no MESH column and show their mTLS backend', () => {
  assert.deepEqual(headers('meshes'), ['NAME', 'MTLS', 'AGE']);
});

test('policy columns follow the policy traits', () => {
  const timeout = kind('MeshTimeout');
  const expected = ['MESH', 'NAME', 'TARGETREF'];
  if (timeout.policy?.hasToTargetRef) expected.push('TO');
  if (timeout.policy?.hasFromTargetRef) expected.push('FROM');
  if (timeout.policy?.hasRulesTargetRef) expected.push('RULES');
  assert.deepEqual(headers('MeshTimeout'), [...expected, 'AGE']);
  assert.ok(expected.includes('TO'), 'MeshTimeout has to[]');
});

test('kinds that are neither dataplanes, meshes nor policies show name and age', () => {
  assert.deepEqual(headers('secrets'), ['MESH', 'NAME', 'AGE']);
});

const dataplane = {
  type: 'Dataplane',
  mesh: 'default',
  name: 'web-1',
  creationTime: '2025-01-10T11:59:00Z',
  networking: {
    address: '10.0.0.1',
    inbound: [
      { port: 1, tags: { 'kuma.io/service': 'web', version: 'v1', 'kuma.io/protocol': 'http' } },
      { port: 2, tags: { 'kuma.io/service': 'web-admin', version: 'v1' } },
      { port: 3, tags: { 'kuma.io/service': 'web' } },
    ],
  },
};

test('dataplane services are joined once each, in inbound order', () => {
  assert.equal(dataplaneServices(dataplane), 'web,web-admin');
});

test('dataplane tags other than the service are listed once each, sorted', () => {
  assert.equal(dataplaneOtherTags(dataplane), 'kuma.io/protocol=http,version=v1');
});

test('a gateway dataplane shows the gateway service', () => {
  const gateway = {
    networking: { address: '10.0.0.2', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge', zone: 'a' } } },
  };
  assert.equal(dataplaneServices(gateway), 'edge');
  assert.equal(dataplaneOtherTags(gateway), 'zone=a');
});

test('a dataplane row reads every column', () => {
  const rows = tableRows(columnsFor(kind('dataplanes')), [dataplane], new Date('2025-01-10T12:00:00Z'));
  assert.deepEqual(rows, [['default', 'web-1', '10.0.0.1', 'web,web-admin', 'kuma.io/protocol=http,version=v1', '1m']]);
});

test('mesh mTLS is type/backend when enabled, off otherwise', () => {
  assert.equal(
    meshMtls({ mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] } }),
    'builtin/ca-1',
  );
  assert.equal(meshMtls({ mtls: { enabledBackend: '', backends: [{ name: 'ca-1', type: 'builtin' }] } }), 'off');
  assert.equal(meshMtls({ mtls: { backends: [{ name: 'ca-1', type: 'builtin' }] } }), 'off');
  assert.equal(meshMtls({}), 'off');
});

test('targetRefs are described in one word', () => {
  assert.equal(describeTargetRef(undefined), 'Mesh');
  assert.equal(describeTargetRef({ kind: 'Mesh' }), 'Mesh');
  assert.equal(describeTargetRef({ kind: 'MeshService', name: 'web' }), 'MeshService/web');
  assert.equal(describeTargetRef({ kind: 'MeshSubset', tags: { version: 'v1' } }), 'MeshSubset{version=v1}');
  assert.equal(
    describeTargetRef({ kind: 'Dataplane', labels: { app: 'web' }, sectionName: 'http' }),
    'Dataplane{app=web}:http',
  );
});

test('policy rows count their to, from and rules entries', () => {
  const policy = {
    mesh: 'default',
    name: 't1',
    spec: { targetRef: { kind: 'MeshService', name: 'web' }, to: [{}, {}], rules: [{}] },
  };
  const columns = columnsFor(kind('MeshTimeout'));
  const [row] = tableRows(columns, [policy], new Date());
  const cell = (header: string) => row?.[columns.findIndex((c) => c.header === header)];
  assert.equal(cell('TARGETREF'), 'MeshService/web');
  assert.equal(cell('TO'), '2');
  assert.equal(cell('FROM'), '0');
  assert.equal(cell('AGE'), '<unknown>');
});
