/**
 * ADS over a real socket: a connect-node gRPC client (HTTP/2) opens SotW and
 * delta streams against the DP server and sees responses, ACK/NACK
 * bookkeeping, refusals with their gRPC status, hooks, and shutdown.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { KogumaError } from '../../src/api/errors.js';
import {
  DeltaDiscoveryRequestSchema,
  DiscoveryRequestSchema,
  type DeltaDiscoveryRequest,
  type DiscoveryRequest,
} from '../../src/xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { parseNodeId, type NodeIdentity } from '../../src/xds/server/index.js';
import { CDS, cluster, EDS, endpoints, snapshotOf } from '../../src/xds/server/test-support.js';
import { eventually, pushable, reader, startTestDpServer, type TestDpServer } from './support.js';

const node = (id: string) => ({ id, userAgentName: 'koguma-test' });
const S1 = snapshotOf(cluster('a'), cluster('b'), endpoints('a', 1));
const S2 = snapshotOf(cluster('a', 9), cluster('b'), endpoints('a', 1));
const S3 = snapshotOf(cluster('a', 10), cluster('b'));

describe('ADS over the network', () => {
  let dp: TestDpServer;
  const opened: string[] = [];
  const closed: string[] = [];
  before(async () => {
    dp = await startTestDpServer({
      ads: {
        onStreamOpen: (identity: NodeIdentity) => void opened.push(identity.nodeId),
        onStreamClose: (identity: NodeIdentity) => void closed.push(identity.nodeId),
        identify: async (n, headers) => {
          if (headers.get('x-test-deny') === 'yes')
            throw new KogumaError('Unauthenticated', 'dataplane token is missing');
          return parseNodeId(n);
        },
      },
    });
  });
  after(() => dp.close());

  it('SotW: answers, records ACK and NACK, never resends a NACKed version, sends the next one', async () => {
    dp.cache.set('default.sotw-1', S1);
    const requests = pushable<DiscoveryRequest>();
    const abort = new AbortController();
    const responses = reader(dp.client.streamAggregatedResources(requests.iterable, { signal: abort.signal }));
    try {
      requests.push(create(DiscoveryRequestSchema, { node: node('default.sotw-1'), typeUrl: CDS }));
      const first = await responses.next();
      assert.equal(first.typeUrl, CDS);
      assert.equal(first.versionInfo, S1.versions.get(CDS));
      assert.equal(first.resources.length, 2);
      assert.equal(first.controlPlane?.identifier, 'cp-test');
      requests.push(
        create(DiscoveryRequestSchema, { typeUrl: CDS, versionInfo: first.versionInfo, responseNonce: first.nonce }),
      );
      await eventually(() => dp.registry.get('default.sotw-1')?.types.get(CDS)?.acked, 5_000, 'the ACK');

      dp.cache.set('default.sotw-1', S2);
      const second = await responses.next();
      assert.equal(second.versionInfo, S2.versions.get(CDS));
      requests.push(
        create(DiscoveryRequestSchema, {
          typeUrl: CDS,
          versionInfo: first.versionInfo,
          responseNonce: second.nonce,
          errorDetail: { code: 3, message: 'cluster a: nope' },
        }),
      );
      const nack = await eventually(
        () => dp.registry.get('default.sotw-1')?.types.get(CDS)?.lastNack,
        5_000,
        'the NACK',
      );
      assert.deepEqual(
        { version: nack.version, error: nack.error },
        { version: S2.versions.get(CDS), error: 'cluster a: nope' },
      );

      dp.cache.set('default.sotw-1', snapshotOf(cluster('a', 9), cluster('b'), endpoints('a', 1)));
      await responses.quiet(300);
      dp.cache.set('default.sotw-1', S3);
      const third = await responses.next();
      assert.equal(third.versionInfo, S3.versions.get(CDS));
      const status = dp.registry.get('default.sotw-1');
      assert.equal(status?.protocol, 'sotw');
      assert.equal(status?.connected, true);
      assert.equal(status?.types.get(CDS)?.sent?.nonce, third.nonce);
    } finally {
      abort.abort();
    }
    await eventually(
      () => (dp.registry.get('default.sotw-1')?.connected === false ? true : undefined),
      5_000,
      'the disconnect',
    );
    assert.ok(opened.includes('default.sotw-1'));
    await eventually(() => (closed.includes('default.sotw-1') ? true : undefined), 5_000, 'onStreamClose');
  });

  it('delta: sends resources with their versions, subscriptions by name, and removals', async () => {
    dp.cache.set('default.delta-1', S1);
    const requests = pushable<DeltaDiscoveryRequest>();
    const abort = new AbortController();
    const responses = reader(dp.client.deltaAggregatedResources(requests.iterable, { signal: abort.signal }));
    try {
      requests.push(create(DeltaDiscoveryRequestSchema, { node: node('default.delta-1'), typeUrl: CDS }));
      const clusters = await responses.next();
      assert.deepEqual(
        clusters.resources.map((r) => [r.name, r.version]),
        ['a', 'b'].map((name) => [name, S1.resources.get(CDS)?.get(name)?.version]),
      );
      requests.push(create(DeltaDiscoveryRequestSchema, { typeUrl: CDS, responseNonce: clusters.nonce }));
      requests.push(create(DeltaDiscoveryRequestSchema, { typeUrl: EDS, resourceNamesSubscribe: ['a', 'missing'] }));
      const eds = await responses.next();
      assert.deepEqual(
        eds.resources.map((r) => r.name),
        ['a'],
      );
      assert.deepEqual(eds.removedResources, ['missing']);
      requests.push(create(DeltaDiscoveryRequestSchema, { typeUrl: EDS, responseNonce: eds.nonce }));

      dp.cache.set('default.delta-1', S3);
      const cdsUpdate = await responses.next();
      assert.equal(cdsUpdate.typeUrl, CDS, 'clusters go out before endpoints');
      assert.deepEqual(
        cdsUpdate.resources.map((r) => r.name),
        ['a'],
      );
      const edsUpdate = await responses.next();
      assert.deepEqual([edsUpdate.typeUrl, edsUpdate.resources.length, edsUpdate.removedResources], [EDS, 0, ['a']]);
      await eventually(() => dp.registry.get('default.delta-1')?.types.get(EDS)?.acked, 5_000, 'the EDS ACK');
      assert.equal(dp.registry.get('default.delta-1')?.protocol, 'delta');
    } finally {
      abort.abort();
    }
  });

  it('delta: a reconnect with initial_resource_versions gets only what changed', async () => {
    dp.cache.set('default.delta-2', S2);
    const requests = pushable<DeltaDiscoveryRequest>();
    const abort = new AbortController();
    const responses = reader(dp.client.deltaAggregatedResources(requests.iterable, { signal: abort.signal }));
    try {
      const versionsInS1 = Object.fromEntries([...(S1.resources.get(CDS) ?? [])].map(([name, r]) => [name, r.version]));
      requests.push(
        create(DeltaDiscoveryRequestSchema, {
          node: node('default.delta-2'),
          typeUrl: CDS,
          initialResourceVersions: { ...versionsInS1, gone: 'x' },
        }),
      );
      const response = await responses.next();
      assert.deepEqual(
        response.resources.map((r) => r.name),
        ['a'],
      );
      assert.deepEqual(response.removedResources, ['gone']);
    } finally {
      abort.abort();
    }
  });

  for (const [label, first] of [
    ['no node', create(DiscoveryRequestSchema, { typeUrl: CDS })],
    ['a node id without a mesh', create(DiscoveryRequestSchema, { node: node('web-1'), typeUrl: CDS })],
  ] as const) {
    it(`a first request with ${label} ends the stream with INVALID_ARGUMENT naming the format`, async () => {
      const requests = pushable<DiscoveryRequest>();
      requests.push(first);
      const error = await reader(dp.client.streamAggregatedResources(requests.iterable)).ended();
      assert.ok(error instanceof ConnectError, `expected a ConnectError, got ${String(error)}`);
      assert.equal(error.code, Code.InvalidArgument);
      assert.match(error.rawMessage, /"<mesh>\.<name>"/);
      requests.end();
    });
  }

  it('a KogumaError from identify becomes the gRPC status of its code', async () => {
    const requests = pushable<DeltaDiscoveryRequest>();
    requests.push(create(DeltaDiscoveryRequestSchema, { node: node('default.intruder'), typeUrl: CDS }));
    const error = await reader(
      dp.client.deltaAggregatedResources(requests.iterable, { headers: { 'x-test-deny': 'yes' } }),
    ).ended();
    assert.ok(error instanceof ConnectError);
    assert.equal(error.code, Code.Unauthenticated);
    assert.equal(error.rawMessage, 'dataplane token is missing');
    assert.equal(dp.registry.get('default.intruder'), undefined, 'a refused stream leaves no status');
    requests.end();
  });

  it('survives nonsense: malformed and unknown type URLs, requests after the stream opened', async () => {
    dp.cache.set('default.odd-1', S1);
    const requests = pushable<DiscoveryRequest>();
    const abort = new AbortController();
    const responses = reader(dp.client.streamAggregatedResources(requests.iterable, { signal: abort.signal }));
    try {
      requests.push(create(DiscoveryRequestSchema, { node: node('default.odd-1'), typeUrl: '%%%' }));
      requests.push(
        create(DiscoveryRequestSchema, {
          typeUrl: 'type.googleapis.com/envoy.service.runtime.v3.Runtime',
          resourceNames: ['x'],
        }),
      );
      const unknown = await responses.next();
      assert.deepEqual(
        [unknown.typeUrl, unknown.resources.length],
        ['type.googleapis.com/envoy.service.runtime.v3.Runtime', 0],
      );
      requests.push(create(DiscoveryRequestSchema, { typeUrl: CDS, responseNonce: 'never-sent' }));
      const clusters = await responses.next();
      assert.equal(clusters.resources.length, 2);
    } finally {
      abort.abort();
    }
  });

  it('a client that half-closes ends its stream cleanly', async () => {
    dp.cache.set('default.half-1', S1);
    const requests = pushable<DiscoveryRequest>();
    requests.push(create(DiscoveryRequestSchema, { node: node('default.half-1'), typeUrl: CDS }));
    requests.end();
    const responses = reader(dp.client.streamAggregatedResources(requests.iterable));
    assert.equal(await responses.ended(), undefined);
    await eventually(() => (dp.registry.get('default.half-1')?.connected === false ? true : undefined));
  });
});

describe('DP server shutdown', () => {
  it('close() ends open ADS streams with UNAVAILABLE and stops', async () => {
    const dp = await startTestDpServer();
    dp.cache.set('default.web-1', S1);
    const requests = pushable<DiscoveryRequest>();
    const responses = reader(dp.client.streamAggregatedResources(requests.iterable));
    requests.push(create(DiscoveryRequestSchema, { node: node('default.web-1'), typeUrl: CDS }));
    await responses.next();
    const started = Date.now();
    const closing = dp.close();
    const error = await responses.ended();
    assert.ok(error instanceof ConnectError, `expected a ConnectError, got ${String(error)}`);
    assert.equal(error.code, Code.Unavailable);
    // A client closes its side once it has the status (grpc-js and Envoy do; this one is told to).
    requests.end();
    await closing;
    assert.ok(Date.now() - started < 900, `streams were ended, not waited out (${Date.now() - started} ms)`);
    assert.equal(dp.registry.get('default.web-1')?.connected, false);
  });
});
