/**
 * Limits on concurrent ADS streams, over real HTTP/2 connections: a
 * connection past its stream or pending-stream limit has the extra streams
 * refused with RESOURCE_EXHAUSTED while its first ones keep working; a stream
 * that never sends a request is ended after the deadline; a dataplane past its
 * limit has its oldest stream ended and its newest served; HTTP/2 announces a
 * concurrent-stream ceiling; and churn leaves no stream registered.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { AggregatedDiscoveryService } from '../../src/xds/envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import {
  DiscoveryRequestSchema,
  type DiscoveryRequest,
} from '../../src/xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import type { StreamCounts } from '../../src/xds/server/index.js';
import { CDS, cluster, snapshotOf } from '../../src/xds/server/test-support.js';
import { eventually, pushable, reader, startTestDpServer, type TestDpServer } from './support.js';

const adsPath = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';
const ask = (nodeId?: string): DiscoveryRequest =>
  create(DiscoveryRequestSchema, { ...(nodeId ? { node: { id: nodeId } } : {}), typeUrl: CDS });
const noStreams: StreamCounts = { streams: 0, pending: 0, connections: 0, dataplanes: 0, dataplaneStreams: 0 };

/** A gRPC message frame: no compression flag, the length, the message. */
function frame(request: DiscoveryRequest): Buffer {
  const message = toBinary(DiscoveryRequestSchema, request);
  const framed = Buffer.alloc(5 + message.length);
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, 5);
  return framed;
}

interface RawStream {
  send(request: DiscoveryRequest): void;
  /** Resets the stream (CANCEL), as a client going away does. */
  cancel(): void;
  /** Resolves when the stream is fully closed, with its grpc-status and message (undefined when none came). */
  readonly ended: Promise<{ status?: number; message?: string }>;
  /** Resolves when the first response message arrives. */
  readonly firstMessage: Promise<void>;
}

/**
 * An ADS stream opened by hand on an HTTP/2 session, so the test decides
 * what is sent and when: nothing at all, or one request, and never a
 * half-close of its own.
 */
function rawStream(session: http2.ClientHttp2Session): RawStream {
  const stream = session.request(
    { ':method': 'POST', ':path': adsPath, 'content-type': 'application/grpc', te: 'trailers' },
    { endStream: false },
  );
  let status: number | undefined;
  let message: string | undefined;
  const note = (headers: http2.IncomingHttpHeaders): void => {
    if (headers['grpc-status'] === undefined) return;
    status = Number(headers['grpc-status']);
    message = decodeURIComponent(String(headers['grpc-message'] ?? ''));
  };
  stream.on('response', note);
  stream.on('trailers', note);
  stream.on('error', () => undefined);
  const firstMessage = new Promise<void>((resolve) => stream.once('data', () => resolve()));
  stream.resume();
  const ended = new Promise<{ status?: number; message?: string }>((resolve) =>
    stream.on('close', () =>
      resolve({ ...(status === undefined ? {} : { status }), ...(message === undefined ? {} : { message }) }),
    ),
  );
  const cancel = (): void => {
    if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
  };
  return { send: (request) => stream.write(frame(request)), cancel, ended, firstMessage };
}

/**
 * Drops a client connection: its streams are reset first. (Node 20's client
 * can spin forever in `session.destroy()` when it holds open streams next to
 * one the server has just closed; resetting them first avoids that.)
 */
function dropConnection(session: http2.ClientHttp2Session, streams: readonly RawStream[]): void {
  for (const stream of streams) stream.cancel();
  session.destroy();
}

/** A connect-node client on a connection of its own. */
function clientOnOwnConnection(url: string) {
  const sessionManager = new Http2SessionManager(url);
  return {
    client: createClient(AggregatedDiscoveryService, createGrpcTransport({ baseUrl: url, sessionManager })),
    close: () => sessionManager.abort(),
  };
}

/** Opens a SotW stream as `nodeId` on `client` and waits for its first response. */
async function openServed(client: TestDpServer['client'], nodeId: string) {
  const requests = pushable<DiscoveryRequest>();
  const abort = new AbortController();
  const responses = reader(client.streamAggregatedResources(requests.iterable, { signal: abort.signal }));
  requests.push(ask(nodeId));
  await responses.next();
  return { responses, close: () => (abort.abort(), requests.end()) };
}

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms).unref(),
    ),
  ]);

const countsBackToZero = (dp: TestDpServer) =>
  eventually(
    () => (JSON.stringify(dp.server.streamCounts()) === JSON.stringify(noStreams) ? true : undefined),
    10_000,
    `no registered streams (now ${JSON.stringify(dp.server.streamCounts())})`,
  );

describe('ADS stream limits per connection', () => {
  let dp: TestDpServer;
  before(async () => {
    dp = await startTestDpServer({
      streamLimits: { maxStreamsPerConnection: 3, maxPendingStreamsPerConnection: 2, firstRequestTimeoutMs: 60_000 },
    });
    for (const name of ['c-1', 'c-2', 'c-3', 'c-4', 'p-1', 'p-2'])
      dp.cache.set(`default.${name}`, snapshotOf(cluster('a')));
  });
  after(() => dp.close());

  it('refuses the streams past the limit with RESOURCE_EXHAUSTED naming the flag, and the first ones keep working', async () => {
    const served = [
      await openServed(dp.client, 'default.c-1'),
      await openServed(dp.client, 'default.c-2'),
      await openServed(dp.client, 'default.c-3'),
    ];
    try {
      for (const extra of ['default.c-4', 'default.c-4']) {
        const requests = pushable<DiscoveryRequest>();
        requests.push(ask(extra));
        const error = await reader(dp.client.streamAggregatedResources(requests.iterable)).ended();
        requests.end();
        assert.ok(error instanceof ConnectError, String(error));
        assert.equal(error.code, Code.ResourceExhausted);
        assert.equal(
          error.rawMessage,
          'this connection already has 3 ADS streams open, the most one connection may have (raise it with --xds-max-streams-per-connection)',
        );
      }
      dp.cache.set('default.c-2', snapshotOf(cluster('a', 9)));
      const update = await served[1]!.responses.next();
      assert.equal(update.versionInfo, snapshotOf(cluster('a', 9)).versions.get(CDS));
      assert.equal(dp.server.streamCounts().streams, 3);
      // Another connection has limits of its own.
      const other = clientOnOwnConnection(dp.server.url);
      try {
        const elsewhere = await openServed(other.client, 'default.c-4');
        elsewhere.close();
      } finally {
        other.close();
      }
    } finally {
      for (const stream of served) stream.close();
    }
    await countsBackToZero(dp);
  });

  it('refuses new streams while the connection has too many that sent no request; a request frees the place', async () => {
    const session = http2.connect(dp.server.url);
    session.on('error', () => undefined);
    const streams: RawStream[] = [];
    const open = (): RawStream => {
      const stream = rawStream(session);
      streams.push(stream);
      return stream;
    };
    try {
      const first = open();
      open();
      await eventually(() => (dp.server.streamCounts().pending === 2 ? true : undefined), 5_000, 'two pending streams');
      const refused = await within(open().ended, 5_000, 'the refusal');
      assert.equal(refused.status, Code.ResourceExhausted);
      assert.equal(
        refused.message,
        'this connection already has 2 ADS streams that have not sent a DiscoveryRequest yet, the most one connection may have (raise it with --xds-max-pending-streams-per-connection)',
      );
      first.send(ask('default.p-1'));
      await within(first.firstMessage, 5_000, 'the first response');
      const third = open();
      third.send(ask('default.p-2'));
      await within(third.firstMessage, 5_000, 'a response on the stream admitted once a place was free');
      assert.deepEqual(dp.server.streamCounts(), {
        streams: 3,
        pending: 1,
        connections: 1,
        dataplanes: 2,
        dataplaneStreams: 2,
      });
    } finally {
      dropConnection(session, streams);
    }
    await countsBackToZero(dp);
  });

  it('closes a refused stream whose client never half-closes, so it stops counting against the connection', async () => {
    const session = http2.connect(dp.server.url);
    session.on('error', () => undefined);
    const held = [rawStream(session), rawStream(session)];
    try {
      await eventually(() => (dp.server.streamCounts().pending === 2 ? true : undefined), 5_000, 'two pending streams');
      // `ended` resolves on the stream's close: the server reset it after the status, the client never ended its side.
      for (let i = 0; i < 20; i++)
        assert.equal((await within(rawStream(session).ended, 5_000, `refusal ${i}`)).status, Code.ResourceExhausted);
      assert.equal(dp.server.streamCounts().streams, 2);
    } finally {
      dropConnection(session, held);
    }
    await countsBackToZero(dp);
  });

  it('announces an HTTP/2 concurrent-stream ceiling above the limit', async () => {
    const session = http2.connect(dp.server.url);
    try {
      const settings = await within(
        new Promise<http2.Settings>((resolve) => session.once('remoteSettings', resolve)),
        5_000,
        'SETTINGS',
      );
      assert.equal(settings.maxConcurrentStreams, 100);
    } finally {
      session.destroy();
    }
  });
});

describe('ADS first-request deadline', () => {
  let dp: TestDpServer;
  before(async () => {
    dp = await startTestDpServer({ streamLimits: { firstRequestTimeoutMs: 300 } });
  });
  after(() => dp.close());

  it('ends a stream that sends no request with DEADLINE_EXCEEDED naming the flag', async () => {
    const session = http2.connect(dp.server.url);
    session.on('error', () => undefined);
    const silent = rawStream(session);
    try {
      const ended = await within(silent.ended, 10_000, 'the deadline');
      assert.equal(ended.status, Code.DeadlineExceeded);
      assert.equal(
        ended.message,
        'no DiscoveryRequest within 300 ms of opening the stream; an ADS stream must start with one (the wait is set by --xds-first-request-timeout)',
      );
    } finally {
      dropConnection(session, [silent]);
    }
    await countsBackToZero(dp);
  });

  it('leaves a stream that sent its request alone past the deadline', async () => {
    dp.cache.set('default.on-time', snapshotOf(cluster('a')));
    const stream = await openServed(dp.client, 'default.on-time');
    try {
      await stream.responses.quiet(600);
      dp.cache.set('default.on-time', snapshotOf(cluster('a', 7)));
      assert.equal((await stream.responses.next()).versionInfo, snapshotOf(cluster('a', 7)).versions.get(CDS));
    } finally {
      stream.close();
    }
  });
});

describe('ADS streams per dataplane', () => {
  let dp: TestDpServer;
  before(async () => {
    dp = await startTestDpServer({ streamLimits: { maxStreamsPerDataplane: 2 } });
    dp.cache.set('default.web-1', snapshotOf(cluster('a')));
    dp.cache.set('default.web-2', snapshotOf(cluster('a')));
  });
  after(() => dp.close());

  it('past the limit, ends the oldest stream with RESOURCE_EXHAUSTED and serves the newest (a reconnecting proxy is never locked out)', async () => {
    const connections = [0, 1, 2].map(() => clientOnOwnConnection(dp.server.url));
    const other = await openServed(dp.client, 'default.web-2');
    try {
      const oldest = await openServed(connections[0]!.client, 'default.web-1');
      const middle = await openServed(connections[1]!.client, 'default.web-1');
      const newest = await openServed(connections[2]!.client, 'default.web-1');
      const error = await oldest.responses.ended();
      assert.ok(error instanceof ConnectError, String(error));
      assert.equal(error.code, Code.ResourceExhausted);
      assert.equal(
        error.rawMessage,
        'dataplane "default.web-1" opened more than 2 concurrent ADS streams; its oldest stream, this one, was ended to serve the newest (raise it with --xds-max-streams-per-dataplane)',
      );
      dp.cache.set('default.web-1', snapshotOf(cluster('a', 3)));
      const version = snapshotOf(cluster('a', 3)).versions.get(CDS);
      assert.equal((await newest.responses.next()).versionInfo, version);
      assert.equal((await middle.responses.next()).versionInfo, version);
      assert.equal(dp.registry.get('default.web-1')?.connected, true);
      assert.deepEqual(dp.server.streamCounts(), {
        streams: 3,
        pending: 0,
        connections: 3,
        dataplanes: 2,
        dataplaneStreams: 3,
      });
      for (const stream of [middle, newest]) stream.close();
    } finally {
      other.close();
      for (const connection of connections) connection.close();
    }
    await countsBackToZero(dp);
  });
});

describe('ADS stream churn', () => {
  let dp: TestDpServer;
  before(async () => {
    dp = await startTestDpServer({
      streamLimits: {
        maxStreamsPerConnection: 8,
        maxPendingStreamsPerConnection: 4,
        maxStreamsPerDataplane: 2,
        firstRequestTimeoutMs: 60_000,
      },
    });
    dp.cache.set('default.churn', snapshotOf(cluster('a')));
  });
  after(() => dp.close());

  it('leaves no stream registered after rounds of opening streams past every limit and dropping the connection', async () => {
    for (let round = 0; round < 15; round++) {
      const session = http2.connect(dp.server.url);
      session.on('error', () => undefined);
      const streams = Array.from({ length: 12 }, (_, i) => {
        const stream = rawStream(session);
        if (i % 3 !== 0) stream.send(ask('default.churn'));
        return stream;
      });
      await eventually(
        () => (dp.server.streamCounts().streams > 0 ? true : undefined),
        5_000,
        `round ${round}: streams registered`,
      );
      const counts = dp.server.streamCounts();
      assert.ok(counts.streams <= 8 && counts.pending <= 4 && counts.dataplaneStreams <= 2, JSON.stringify(counts));
      dropConnection(session, streams);
      await Promise.all(streams.map((stream) => within(stream.ended, 10_000, 'the end of a stream')));
      await countsBackToZero(dp);
    }
    assert.equal(dp.registry.get('default.churn')?.connected, false);
  });
});
