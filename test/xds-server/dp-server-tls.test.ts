/**
 * The DP server over TLS (its default in `koguma cp run`): gRPC ADS and
 * POST /bootstrap share the port by ALPN; a client must trust the CA; a
 * plaintext client is refused; a renewed certificate reaches new connections;
 * shutdown drains TLS connections as it drains plaintext ones.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http2 from 'node:http2';
import https from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { AggregatedDiscoveryService } from '../../src/xds/envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import {
  DiscoveryRequestSchema,
  type DiscoveryRequest,
} from '../../src/xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import type { BootstrapHandler } from '../../src/xds/server/index.js';
import { CDS, cluster, snapshotOf } from '../../src/xds/server/test-support.js';
import { pushable, reader, startTestDpServer, testTls, type TestDpServer, type TestTls } from './support.js';

const handler: BootstrapHandler = async (body) => ({
  status: 200,
  contentType: 'application/json',
  body: JSON.stringify({ name: (body as { name?: string }).name }),
});

interface Answer {
  readonly status: number;
  readonly httpVersion: string;
  readonly body: string;
}

/** POST over HTTPS with HTTP/1.1 (`https` offers no ALPN, as curl --http1.1 does not need it). */
function httpsPost(url: string, body: string, ca?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${url}/bootstrap`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ...(ca === undefined ? {} : { ca }),
        agent: false,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, httpVersion: response.httpVersion, body: text }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** POST over HTTP/2 on TLS, as `koguma dp run` and Envoy reach the port. */
async function h2Post(url: string, body: string, ca: string): Promise<Answer & { alpn: string | false | undefined }> {
  const session = http2.connect(url, { ca });
  try {
    await once(session, 'connect');
    const stream = session.request({ ':method': 'POST', ':path': '/bootstrap', 'content-type': 'application/json' });
    stream.end(body);
    const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
    let text = '';
    stream.setEncoding('utf8');
    for await (const chunk of stream) text += chunk as string;
    return { status: Number(headers[':status']), httpVersion: '2.0', body: text, alpn: session.alpnProtocol };
  } finally {
    session.close();
  }
}

/** The SHA-256 fingerprint of the certificate a new TLS connection is served. */
async function servedFingerprint(port: number, ca: string): Promise<string> {
  const socket = tlsConnect({ host: '127.0.0.1', port, ca, ALPNProtocols: ['h2'] });
  await once(socket, 'secureConnect');
  const fingerprint = socket.getPeerCertificate().fingerprint256;
  socket.destroy();
  return fingerprint;
}

const ask = (nodeId: string): DiscoveryRequest =>
  create(DiscoveryRequestSchema, { node: { id: nodeId }, typeUrl: CDS });

describe('DP server over TLS', () => {
  let tls: TestTls;
  let dp: TestDpServer;
  before(async () => {
    tls = await testTls();
    dp = await startTestDpServer({ tls, bootstrapHandler: handler });
  });
  after(() => dp.close());

  it('says https in its URL', () => {
    assert.equal(dp.server.tls, true);
    assert.equal(dp.server.url, `https://127.0.0.1:${dp.server.port}`);
  });

  it('serves gRPC ADS to a client that trusts the CA', async () => {
    dp.cache.set('default.tls-1', snapshotOf(cluster('a'), cluster('b')));
    const requests = pushable<DiscoveryRequest>();
    const abort = new AbortController();
    const responses = reader(dp.client.streamAggregatedResources(requests.iterable, { signal: abort.signal }));
    try {
      requests.push(ask('default.tls-1'));
      const first = await responses.next();
      assert.equal(first.typeUrl, CDS);
      assert.equal(first.resources.length, 2);
    } finally {
      abort.abort();
    }
  });

  it('answers POST /bootstrap over HTTPS with HTTP/1.1, and over HTTP/2 chosen by ALPN', async () => {
    assert.deepEqual(await httpsPost(dp.server.url, JSON.stringify({ name: 'web-1' }), tls.caPem), {
      status: 200,
      httpVersion: '1.1',
      body: '{"name":"web-1"}',
    });
    assert.deepEqual(await h2Post(dp.server.url, JSON.stringify({ name: 'web-2' }), tls.caPem), {
      status: 200,
      httpVersion: '2.0',
      body: '{"name":"web-2"}',
      alpn: 'h2',
    });
  });

  it('fails the handshake of a client that does not trust the CA', async () => {
    await assert.rejects(httpsPost(dp.server.url, '{}'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    const other = await testTls();
    await assert.rejects(httpsPost(dp.server.url, '{}', other.caPem), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    const untrusting = createClient(
      AggregatedDiscoveryService,
      createGrpcTransport({ baseUrl: dp.server.url, nodeOptions: { ca: other.caPem } }),
    );
    await assert.rejects(
      untrusting
        .streamAggregatedResources(oneRequest(ask('default.tls-2')))
        [Symbol.asyncIterator]()
        .next(),
      (error: unknown) => {
        assert.ok(error instanceof ConnectError);
        assert.match(error.message, /unable to verify the first certificate/);
        return true;
      },
    );
  });

  it('refuses a plaintext gRPC client and a plaintext HTTP request, and keeps serving', async () => {
    const plaintextUrl = dp.server.url.replace('https://', 'http://');
    const plaintext = createClient(AggregatedDiscoveryService, createGrpcTransport({ baseUrl: plaintextUrl }));
    await assert.rejects(
      plaintext
        .streamAggregatedResources(oneRequest(ask('default.tls-3')))
        [Symbol.asyncIterator]()
        .next(),
      (error: unknown) => {
        // Canceled or Unavailable depending on when the client sees the server hang up; never a response.
        assert.ok(error instanceof ConnectError, String(error));
        return true;
      },
    );
    await assert.rejects(fetch(`${plaintextUrl}/bootstrap`, { method: 'POST', body: '{}' }));
    assert.equal((await httpsPost(dp.server.url, '{"name":"after"}', tls.caPem)).status, 200);
  });

  it('serves a replaced certificate to new connections', async () => {
    const before = await servedFingerprint(dp.server.port, tls.caPem);
    const renewed = await testTls();
    dp.server.replaceCertificate(renewed);
    const afterwards = await servedFingerprint(dp.server.port, renewed.caPem);
    assert.notEqual(afterwards, before);
    assert.equal((await httpsPost(dp.server.url, '{"name":"renewed"}', renewed.caPem)).status, 200);
    dp.server.replaceCertificate(tls);
  });
});

describe('DP server over TLS: shutdown', () => {
  it('ends ADS streams with UNAVAILABLE and closes idle HTTP/1.1 connections without waiting for the drain timeout', async () => {
    const tls = await testTls();
    const dp = await startTestDpServer({ tls, bootstrapHandler: handler, drainTimeoutMs: 10_000 });
    dp.cache.set('default.tls-4', snapshotOf(cluster('a')));
    const requests = pushable<DiscoveryRequest>();
    const responses = reader(dp.client.streamAggregatedResources(requests.iterable));
    requests.push(ask('default.tls-4'));
    await responses.next();
    const agent = new https.Agent({ keepAlive: true, ca: tls.caPem });
    await new Promise<void>((resolve, reject) =>
      https
        .request(`${dp.server.url}/bootstrap`, { method: 'POST', agent }, (response) =>
          response.resume().on('end', resolve),
        )
        .on('error', reject)
        .end('{}'),
    );
    const started = Date.now();
    const closed = dp.close();
    const ended = await responses.ended();
    assert.ok(ended instanceof ConnectError && ended.code === Code.Unavailable, String(ended));
    // The client, told UNAVAILABLE, ends its side, as grpc-js and Envoy do; the HTTP/2 stream is then closed.
    requests.end();
    await closed;
    assert.ok(Date.now() - started < 5_000, `closed in ${Date.now() - started} ms`);
    agent.destroy();
  });
});

async function* oneRequest(request: DiscoveryRequest): AsyncIterable<DiscoveryRequest> {
  yield request;
  await new Promise((resolve) => setTimeout(resolve, 2_000));
}
