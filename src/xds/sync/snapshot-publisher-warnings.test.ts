import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../api/resource.js';
import type { ProxyContext } from '../generate/index.js';
import { MemorySnapshotCache } from '../server/index.js';
import { controlPlaneBuild } from '../build/testing.js';
import { SnapshotPublisher } from './snapshot-publisher.js';

const time = new Date(0);
/** A MeshProxyPatch whose only modification cannot apply: the one warning a build gives regardless of flavour. */
const brokenPatch: Resource = {
  kind: 'MeshProxyPatch',
  mesh: 'default',
  name: 'broken',
  labels: {},
  version: 1,
  creationTime: time,
  modificationTime: time,
  spec: {
    targetRef: { kind: 'Mesh' },
    default: {
      appendModifications: [
        {
          cluster: {
            match: { name: 'backend' },
            operation: 'Patch',
            jsonPatches: [{ op: 'remove', path: '/nothing' }],
          },
        },
      ],
    },
  },
};

const client = (policies: readonly Resource[]): ProxyContext => ({
  mesh: 'default',
  name: 'web-1',
  flavour: 'grpc',
  address: '10.0.0.1',
  inbounds: [],
  outbounds: [{ address: '127.0.0.1', port: 10000, service: 'backend' }],
  destinations: new Map([
    [
      'backend',
      { service: 'backend', protocol: 'grpc', endpoints: [{ address: '10.0.0.2', port: 8080, zone: '', tags: {} }] },
    ],
  ]),
  policies: new Map(
    policies.length > 0 ? [['MeshProxyPatch', policies.map((policy) => ({ policy, inbounds: [] }))]] : [],
  ),
});

test("the publisher keeps the warnings of each proxy's last published configuration, for inspection", () => {
  const publisher = new SnapshotPublisher(new MemorySnapshotCache(), controlPlaneBuild());
  assert.deepEqual(publisher.warningsOf('default.web-1'), []);
  publisher.update('default.web-1', client([brokenPatch]));
  assert.equal(publisher.warningsOf('default.web-1').length, 1);
  assert.match(
    publisher.warningsOf('default.web-1')[0]!,
    /^MeshProxyPatch: broken appendModifications\[0\] \(cluster Patch\) not applied/,
  );
  assert.deepEqual(publisher.warningsOf('default.web-2'), [], 'per proxy');

  publisher.update('default.web-1', client([]));
  assert.deepEqual(publisher.warningsOf('default.web-1'), [], 'a rebuild without them clears them');
  publisher.update('default.web-1', client([brokenPatch]));
  publisher.update('default.web-1', undefined);
  assert.deepEqual(publisher.warningsOf('default.web-1'), [], 'and so does the Dataplane going away');
});
