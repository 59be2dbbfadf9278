import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyStatus } from '../server/index.js';
import { insightMetadataOf } from './insight-subscription.js';

const status = (extra: Partial<ProxyStatus>): ProxyStatus => ({
  nodeId: 'default.web',
  connected: true,
  protocol: 'sotw',
  since: new Date(0),
  streamId: 's',
  instanceId: 'cp',
  types: new Map(),
  ...extra,
});

test("the insight's metadata records which proxy the node is, so every instance can tell", () => {
  assert.deepEqual(insightMetadataOf(status({ flavour: 'grpc' })), { proxyType: 'grpc' });
  assert.deepEqual(insightMetadataOf(status({ features: ['a'], flavour: 'envoy' })), {
    features: ['a'],
    proxyType: 'envoy',
  });
  assert.equal(insightMetadataOf(status({})), undefined);
});
