import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { isKogumaError } from '../../api/errors.js';
import { NodeSchema } from '../envoy/gen/envoy/config/core/v3/base_pb.js';
import { parseNodeId } from './node-identity.js';

describe('parseNodeId', () => {
  it('splits <mesh>.<name> at the first dot: a dataplane name may contain dots', () => {
    assert.deepEqual(parseNodeId(create(NodeSchema, { id: 'default.web-1' })), {
      mesh: 'default',
      name: 'web-1',
      nodeId: 'default.web-1',
      metadata: {},
    });
    assert.deepEqual(parseNodeId(create(NodeSchema, { id: 'prod.web-1.ns' })), {
      mesh: 'prod',
      name: 'web-1.ns',
      nodeId: 'prod.web-1.ns',
      metadata: {},
    });
  });

  it('carries the node metadata as the node sent it', () => {
    const node = create(NodeSchema, { id: 'default.web-1', metadata: { 'koguma.io/proxy-flavour': 'grpc' } });
    assert.deepEqual(parseNodeId(node).metadata, { 'koguma.io/proxy-flavour': 'grpc' });
  });

  for (const [label, node] of [
    ['no node', undefined],
    ['an empty id', create(NodeSchema, { id: '' })],
    ['no dot', create(NodeSchema, { id: 'web-1' })],
    ['no mesh', create(NodeSchema, { id: '.web-1' })],
    ['no name', create(NodeSchema, { id: 'default.' })],
    ['spaces', create(NodeSchema, { id: 'default.web 1' })],
  ] as const) {
    it(`refuses ${label} with InvalidInput naming the expected form`, () => {
      assert.throws(
        () => parseNodeId(node),
        (error: unknown) => isKogumaError(error, 'InvalidInput') && error.message.includes('"<mesh>.<name>"'),
      );
    });
  }
});
