import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Labels, Resource } from '../api/index.js';
import { gatewayModelOf, servingGateway } from './serving-gateway.js';

const meshGateway = (
  name: string,
  selectors: Labels[],
  { labels = {}, created = 0, tags }: { labels?: Labels; created?: number; tags?: Labels } = {},
): Resource => ({
  kind: 'MeshGateway',
  mesh: 'default',
  name,
  labels,
  spec: {
    selectors: selectors.map((match) => ({ match })),
    ...(tags === undefined ? {} : { tags }),
    conf: {
      listeners: [
        { port: 80, protocol: 'HTTP', tags: { port: 'http' } },
        { port: 81, protocol: 'HTTP' },
      ],
    },
  },
  version: 1,
  creationTime: new Date(created),
  modificationTime: new Date(created),
});

const gw = { 'kuma.io/service': 'gw', team: 'edge' };
const nameOf = (gateways: Resource[], tags: Labels = gw, labels: Labels = {}) =>
  servingGateway(gateways.map(gatewayModelOf), tags, labels)?.name;

test('serving gateway: the MeshGateway whose selector matches the gateway tags', () => {
  assert.equal(nameOf([meshGateway('other', [{ 'kuma.io/service': 'x' }]), meshGateway('pub', [gw])]), 'pub');
  assert.equal(nameOf([meshGateway('other', [{ 'kuma.io/service': 'x' }])]), undefined);
});

test('serving gateway: the most specific selector wins, exact tags over "*"', () => {
  const broad = meshGateway('broad', [{ 'kuma.io/service': 'gw' }]);
  const wildcard = meshGateway('wild', [{ 'kuma.io/service': 'gw', team: '*' }]);
  const exact = meshGateway('exact', [gw]);
  assert.equal(nameOf([broad, wildcard]), 'wild');
  assert.equal(nameOf([wildcard, broad, exact]), 'exact');
  assert.equal(nameOf([meshGateway('miss', [{ 'kuma.io/service': 'gw', region: '*' }])]), undefined);
});

test('serving gateway: on a tie the newest, then the first by name', () => {
  const older = meshGateway('a-old', [gw], { created: 1 });
  const newer = meshGateway('b-new', [gw], { created: 2 });
  assert.equal(nameOf([newer, older]), 'b-new');
  assert.equal(nameOf([meshGateway('b', [gw]), meshGateway('a', [gw])]), 'a');
});

test("serving gateway: a MeshGateway from another zone does not serve the proxy's zone", () => {
  const zoned = (name: string, zone: string) =>
    meshGateway(name, [gw], {
      labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': zone },
      created: zone === 'z2' ? 9 : 1,
    });
  const gateways = [zoned('in-z1', 'z1'), zoned('in-z2', 'z2')];
  assert.equal(nameOf(gateways, gw, { 'kuma.io/zone': 'z1' }), 'in-z1');
  assert.equal(nameOf(gateways, gw, {}), 'in-z2', 'a proxy with no zone is served by any');
  assert.equal(
    nameOf([meshGateway('global', [gw], { labels: { 'kuma.io/origin': 'global' } })], gw, { 'kuma.io/zone': 'z1' }),
    'global',
  );
});

test('serving gateway: listener tags merge the proxy, MeshGateway and listener tags, the listener last', () => {
  const served = servingGateway(
    [gatewayModelOf(meshGateway('pub', [gw], { tags: { team: 'core', site: 'a' } }))],
    gw,
    {},
  );
  assert.deepEqual(served?.listenerTags, [
    { 'kuma.io/service': 'gw', team: 'core', site: 'a', port: 'http' },
    { 'kuma.io/service': 'gw', team: 'core', site: 'a' },
  ]);
});
