import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinGateway, gateway, inbound, sidecar } from './matching-fixtures.js';
import { selectProxy, type ProxyDescription } from './selection.js';
import { sectionsNamed } from './section-name.js';
import type { TargetRef } from './targetref.js';

// web-1: two inbounds of `web` (http on 8080 named "http", metrics on 9090 unnamed, version v2) in zone east.
const web = sidecar(
  'web-1',
  [
    inbound('web', 8080, { version: 'v1', team: 'a' }, { name: 'http' }),
    inbound('web-admin', 9090, { version: 'v2', team: 'a' }),
  ],
  { app: 'web', env: 'prod' },
);
const withMeshService: ProxyDescription = sidecar('api-1', [
  inbound('api', 7000, {}, { meshServices: [{ name: 'api-svc', labels: { tier: 'backend' } }] }),
]);
// web-1 with the MeshHTTPRoutes that select it.
const routed: ProxyDescription = {
  ...web,
  routes: [
    { name: 'to-api', labels: { team: 'payments' } },
    { name: 'to-db', labels: {} },
  ],
};
const edge = gateway('edge-1', 'edge', { app: 'edge' });
// gw-1: a builtin gateway that MeshGateway "public" serves, with listeners tagged port=http and port=https.
const gatewayTags = { 'kuma.io/service': 'gw', team: 'edge' };
const served = builtinGateway('gw-1', gatewayTags, {
  name: 'public',
  labels: { tier: 'edge' },
  listenerTags: [
    { ...gatewayTags, port: 'http' },
    { ...gatewayTags, port: 'https' },
  ],
});
const unserved = builtinGateway('gw-2', gatewayTags);

const cases: { name: string; ref: TargetRef; proxy: ProxyDescription; inbounds: number[] | undefined }[] = [
  { name: 'Mesh selects every inbound', ref: { kind: 'Mesh' }, proxy: web, inbounds: [0, 1] },
  { name: 'Mesh selects a gateway, with no inbounds', ref: { kind: 'Mesh' }, proxy: edge, inbounds: [] },
  {
    name: 'proxyTypes [Sidecar] leaves out a gateway',
    ref: { kind: 'Mesh', proxyTypes: ['Sidecar'] },
    proxy: edge,
    inbounds: undefined,
  },
  {
    name: 'proxyTypes [Gateway] leaves out a sidecar',
    ref: { kind: 'Mesh', proxyTypes: ['Gateway'] },
    proxy: web,
    inbounds: undefined,
  },
  {
    name: 'proxyTypes [Gateway] selects a gateway',
    ref: { kind: 'Mesh', proxyTypes: ['Gateway'] },
    proxy: edge,
    inbounds: [],
  },
  { name: 'empty proxyTypes means every type', ref: { kind: 'Mesh', proxyTypes: [] }, proxy: web, inbounds: [0, 1] },
  {
    name: 'proxyTypes also filters other kinds',
    ref: { kind: 'MeshService', name: 'web', proxyTypes: ['Gateway'] },
    proxy: web,
    inbounds: undefined,
  },
  { name: 'Dataplane by name', ref: { kind: 'Dataplane', name: 'web-1' }, proxy: web, inbounds: [0, 1] },
  { name: 'Dataplane by another name', ref: { kind: 'Dataplane', name: 'web-2' }, proxy: web, inbounds: undefined },
  { name: 'Dataplane by labels', ref: { kind: 'Dataplane', labels: { app: 'web' } }, proxy: web, inbounds: [0, 1] },
  {
    name: 'Dataplane by labels needs every label',
    ref: { kind: 'Dataplane', labels: { app: 'web', env: 'dev' } },
    proxy: web,
    inbounds: undefined,
  },
  {
    name: 'Dataplane labels are not inbound tags',
    ref: { kind: 'Dataplane', labels: { version: 'v1' } },
    proxy: web,
    inbounds: undefined,
  },
  {
    name: 'Dataplane sectionName by inbound name',
    ref: { kind: 'Dataplane', name: 'web-1', sectionName: 'http' },
    proxy: web,
    inbounds: [0],
  },
  {
    name: 'Dataplane sectionName by port of an unnamed inbound',
    ref: { kind: 'Dataplane', labels: { app: 'web' }, sectionName: '9090' },
    proxy: web,
    inbounds: [1],
  },
  {
    name: 'Dataplane sectionName by port of a named inbound does not match',
    ref: { kind: 'Dataplane', name: 'web-1', sectionName: '8080' },
    proxy: web,
    inbounds: undefined,
  },
  {
    name: 'Dataplane sectionName naming no inbound',
    ref: { kind: 'Dataplane', name: 'web-1', sectionName: 'grpc' },
    proxy: web,
    inbounds: undefined,
  },
  {
    name: 'MeshSubset selects the inbounds with all tags',
    ref: { kind: 'MeshSubset', tags: { version: 'v2' } },
    proxy: web,
    inbounds: [1],
  },
  {
    name: 'MeshSubset tags shared by both inbounds',
    ref: { kind: 'MeshSubset', tags: { team: 'a' } },
    proxy: web,
    inbounds: [0, 1],
  },
  {
    name: 'MeshSubset tags must all be on one inbound',
    ref: { kind: 'MeshSubset', tags: { version: 'v2', 'kuma.io/service': 'web' } },
    proxy: web,
    inbounds: undefined,
  },
  { name: 'MeshSubset with no tags is the whole mesh', ref: { kind: 'MeshSubset' }, proxy: web, inbounds: [0, 1] },
  {
    name: 'MeshSubset matches a gateway on its gateway tags',
    ref: { kind: 'MeshSubset', tags: { 'kuma.io/service': 'edge' } },
    proxy: edge,
    inbounds: [],
  },
  {
    name: 'MeshService by kuma.io/service',
    ref: { kind: 'MeshService', name: 'web-admin' },
    proxy: web,
    inbounds: [1],
  },
  {
    name: 'MeshService of another service',
    ref: { kind: 'MeshService', name: 'backend' },
    proxy: web,
    inbounds: undefined,
  },
  {
    name: 'MeshService with sectionName',
    ref: { kind: 'MeshService', name: 'web', sectionName: 'http' },
    proxy: web,
    inbounds: [0],
  },
  {
    name: 'MeshService with a sectionName of another service',
    ref: { kind: 'MeshService', name: 'web', sectionName: '9090' },
    proxy: web,
    inbounds: undefined,
  },
  {
    name: 'MeshService by MeshService resource name',
    ref: { kind: 'MeshService', name: 'api-svc' },
    proxy: withMeshService,
    inbounds: [0],
  },
  {
    name: 'MeshService by MeshService labels',
    ref: { kind: 'MeshService', labels: { tier: 'backend' } },
    proxy: withMeshService,
    inbounds: [0],
  },
  {
    name: 'MeshService labels without known MeshServices',
    ref: { kind: 'MeshService', labels: { tier: 'backend' } },
    proxy: web,
    inbounds: undefined,
  },
  {
    name: 'MeshService selects a gateway by its service tag',
    ref: { kind: 'MeshService', name: 'edge' },
    proxy: edge,
    inbounds: [],
  },
  {
    name: 'MeshServiceSubset: service and tags',
    ref: { kind: 'MeshServiceSubset', name: 'web', tags: { version: 'v1' } },
    proxy: web,
    inbounds: [0],
  },
  {
    name: 'MeshServiceSubset: tags on another service only',
    ref: { kind: 'MeshServiceSubset', name: 'web', tags: { version: 'v2' } },
    proxy: web,
    inbounds: undefined,
  },
  {
    name: 'MeshGateway does not select a delegated gateway',
    ref: { kind: 'MeshGateway', name: 'edge' },
    proxy: edge,
    inbounds: undefined,
  },
  {
    name: 'MeshGateway by the name of the MeshGateway serving a builtin gateway',
    ref: { kind: 'MeshGateway', name: 'public' },
    proxy: served,
    inbounds: [],
  },
  {
    name: 'MeshGateway by another name',
    ref: { kind: 'MeshGateway', name: 'private' },
    proxy: served,
    inbounds: undefined,
  },
  {
    name: 'MeshGateway by the labels of the serving MeshGateway',
    ref: { kind: 'MeshGateway', labels: { tier: 'edge' } },
    proxy: served,
    inbounds: [],
  },
  {
    name: 'MeshGateway with tags one listener carries',
    ref: { kind: 'MeshGateway', name: 'public', tags: { port: 'https' } },
    proxy: served,
    inbounds: [],
  },
  {
    name: 'MeshGateway with tags no listener carries',
    ref: { kind: 'MeshGateway', name: 'public', tags: { port: 'grpc' } },
    proxy: served,
    inbounds: undefined,
  },
  {
    name: 'MeshGateway selects no builtin gateway that no MeshGateway serves',
    ref: { kind: 'MeshGateway', name: 'public' },
    proxy: unserved,
    inbounds: undefined,
  },
  {
    name: 'MeshGateway selects no sidecar',
    ref: { kind: 'MeshGateway', name: 'public' },
    proxy: web,
    inbounds: undefined,
  },
  {
    name: 'MeshGateway honours proxyTypes',
    ref: { kind: 'MeshGateway', name: 'public', proxyTypes: ['Sidecar'] },
    proxy: served,
    inbounds: undefined,
  },
  { name: 'Mesh selects a served builtin gateway', ref: { kind: 'Mesh' }, proxy: served, inbounds: [] },
  { name: 'Mesh selects no unserved builtin gateway', ref: { kind: 'Mesh' }, proxy: unserved, inbounds: undefined },
  {
    name: 'MeshService matches a builtin gateway on its listeners',
    ref: { kind: 'MeshService', name: 'gw' },
    proxy: served,
    inbounds: [],
  },
  {
    name: 'MeshSubset matches one listener of a builtin gateway',
    ref: { kind: 'MeshSubset', tags: { team: 'edge', port: 'http' } },
    proxy: served,
    inbounds: [],
  },
  {
    name: 'MeshService matches no unserved builtin gateway',
    ref: { kind: 'MeshService', name: 'gw' },
    proxy: unserved,
    inbounds: undefined,
  },
  {
    name: 'Dataplane never selects a builtin gateway',
    ref: { kind: 'Dataplane', name: 'gw-1' },
    proxy: served,
    inbounds: undefined,
  },
  {
    name: 'MeshHTTPRoute with no route selecting the proxy',
    ref: { kind: 'MeshHTTPRoute', name: 'to-api' },
    proxy: web,
    inbounds: undefined,
  },
  {
    name: 'MeshHTTPRoute by the name of a route selecting the proxy',
    ref: { kind: 'MeshHTTPRoute', name: 'to-api' },
    proxy: routed,
    inbounds: [],
  },
  {
    name: 'MeshHTTPRoute by a name no route selecting the proxy has',
    ref: { kind: 'MeshHTTPRoute', name: 'to-web' },
    proxy: routed,
    inbounds: undefined,
  },
  {
    name: 'MeshHTTPRoute by labels of a route',
    ref: { kind: 'MeshHTTPRoute', labels: { team: 'payments' } },
    proxy: routed,
    inbounds: [],
  },
  {
    name: 'MeshHTTPRoute by labels no route has',
    ref: { kind: 'MeshHTTPRoute', labels: { team: 'search' } },
    proxy: routed,
    inbounds: undefined,
  },
  {
    name: 'MeshHTTPRoute honours proxyTypes',
    ref: { kind: 'MeshHTTPRoute', name: 'to-api', proxyTypes: ['Gateway'] },
    proxy: routed,
    inbounds: undefined,
  },
];

for (const c of cases) {
  test(`selection: ${c.name}`, () => {
    assert.deepEqual(selectProxy(c.ref, c.proxy)?.inbounds, c.inbounds);
  });
}

test('sectionName: a section name wins over a port number; the port only names unnamed sections', () => {
  const sections = [{ name: '8080', port: 1 }, { port: 8080 }, { name: 'http', port: 8080 }];
  assert.deepEqual(sectionsNamed('8080', sections), [0]);
  assert.deepEqual(sectionsNamed('8080', sections.slice(1)), [0]);
  assert.deepEqual(sectionsNamed('http', sections), [2]);
  assert.deepEqual(sectionsNamed('9', sections), []);
});

test('selection: a MeshHTTPRoute targetRef carries the names of the routes it names', () => {
  assert.deepEqual(selectProxy({ kind: 'MeshHTTPRoute', name: 'to-db' }, routed)?.routes, ['to-db']);
  assert.deepEqual(selectProxy({ kind: 'MeshHTTPRoute', labels: { team: 'payments' } }, routed)?.routes, ['to-api']);
  assert.equal(selectProxy({ kind: 'Mesh' }, routed)?.routes, undefined, 'other kinds configure the proxy as a whole');
});
