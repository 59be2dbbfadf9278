import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Labels, Resource } from '../api/index.js';
import { meshServiceSelects } from './mesh-service-selector.js';

const dataplane = (name: string, networking: unknown, labels: Labels = {}): Resource => ({
  kind: 'Dataplane',
  mesh: 'default',
  name,
  labels,
  spec: { networking },
  version: 1,
  creationTime: new Date(0),
  modificationTime: new Date(0),
});

const web = dataplane(
  'web-1',
  {
    address: '10.0.0.1',
    inbound: [
      { port: 80, tags: { 'kuma.io/service': 'web', app: 'web' } },
      { port: 9090, tags: { 'kuma.io/service': 'web-admin', app: 'admin' } },
    ],
  },
  { team: 'a' },
);
const edge = dataplane('edge-1', { address: '10.0.0.2', gateway: { tags: { 'kuma.io/service': 'edge' } } });

test('dataplaneTags select a Dataplane when one inbound carries every tag', () => {
  assert.equal(meshServiceSelects({ selector: { dataplaneTags: { app: 'admin' } } }, web), true);
  assert.equal(
    meshServiceSelects({ selector: { dataplaneTags: { app: 'web', 'kuma.io/service': 'web' } } }, web),
    true,
  );
  assert.equal(
    meshServiceSelects({ selector: { dataplaneTags: { app: 'web', 'kuma.io/service': 'web-admin' } } }, web),
    false,
    'tags of two inbounds do not add up',
  );
});

test('a tag value of * asks only that the tag be there', () => {
  assert.equal(meshServiceSelects({ selector: { dataplaneTags: { app: '*' } } }, web), true);
  assert.equal(meshServiceSelects({ selector: { dataplaneTags: { version: '*' } } }, web), false);
});

test("dataplaneTags match a gateway's tags", () => {
  assert.equal(meshServiceSelects({ selector: { dataplaneTags: { 'kuma.io/service': 'edge' } } }, edge), true);
});

test('dataplaneRef selects by name, dataplaneLabels by labels, no selector selects none', () => {
  assert.equal(meshServiceSelects({ selector: { dataplaneRef: { name: 'web-1' } } }, web), true);
  assert.equal(meshServiceSelects({ selector: { dataplaneRef: { name: 'web-2' } } }, web), false);
  assert.equal(meshServiceSelects({ selector: { dataplaneLabels: { matchLabels: { team: 'a' } } } }, web), true);
  assert.equal(meshServiceSelects({ selector: { dataplaneLabels: { matchLabels: { team: 'b' } } } }, web), false);
  assert.equal(meshServiceSelects({}, web), false);
});
