/**
 * The xDS relay between two real gRPC peers of @grpc/grpc-js: an app-side
 * client with insecure credentials, as grpc-js-xds dials its xDS server, and
 * a TLS server standing in for the control plane. The service is generic
 * (raw bytes), as the relay is.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createTlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { generateServerCa, issueServerCertificate, loadCa } from '../mtls/index.js';
import { encodeGrpcMessage, forwardedHeaders } from './xds-relay-stream.js';
import { startXdsRelay, type XdsRelay, type XdsRelayOptions } from './xds-relay.js';

const bytes = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const method = (name: string, requestStream: boolean, responseStream: boolean) => ({
  path: `/koguma.test.Relay/${name}`,
  requestStream,
  responseStream,
  requestSerialize: bytes.serialize,
  requestDeserialize: bytes.deserialize,
  responseSerialize: bytes.serialize,
  responseDeserialize: bytes.deserialize,
});
const service = {
  Chat: method('Chat', true, true),
  Once: method('Once', false, false),
} satisfies grpc.ServiceDefinition;
const RelayClient = grpc.makeGenericClientConstructor(service, 'Relay');
type Client = InstanceType<typeof RelayClient> & {
  Chat(metadata?: grpc.Metadata): grpc.ClientDuplexStream<Buffer, Buffer>;
  Once(
    request: Buffer,
    metadata: grpc.Metadata,
    callback: (error: grpc.ServiceError | null, response?: Buffer) => void,
  ): grpc.ClientUnaryCall;
};

interface Seen {
  metadata: grpc.Metadata[];
  cancelled: number;
}

/** The stand-in control plane. Chat echoes each message, upper-cased, and ends as the first message says; Once fails or echoes. */
function implementation(seen: Seen): grpc.UntypedServiceImplementation {
  return {
    Chat: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      seen.metadata.push(call.metadata);
      call.on('cancelled', () => (seen.cancelled += 1));
      call.on('data', (message: Buffer) => {
        const text = message.toString();
        if (text === 'deny') {
          const trailer = new grpc.Metadata();
          trailer.set('x-reason', 'policy');
          call.emit('error', { code: grpc.status.PERMISSION_DENIED, details: 'not you', metadata: trailer });
        } else if (text === 'end') {
          const trailer = new grpc.Metadata();
          trailer.set('x-end', 'yes');
          call.end(trailer);
        } else call.write(Buffer.from(text.length > 64 ? text : text.toUpperCase()));
      });
    },
    Once: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      seen.metadata.push(call.metadata);
      if (call.request.toString() === 'fail')
        callback({ code: grpc.status.FAILED_PRECONDITION, details: 'ünïcode % details' });
      else callback(null, call.request);
    },
  };
}

interface TestCa {
  caPem: string;
  cert: string;
  key: string;
}

async function testCa(): Promise<TestCa> {
  const ca = await generateServerCa({ commonName: 'relay test CA', lifetimeMs: 86_400_000 });
  const server = await issueServerCertificate(await loadCa(ca.certPem, ca.keyPem), {
    names: ['localhost', '127.0.0.1'],
    lifetimeMs: 86_400_000,
  });
  return { caPem: ca.certPem, cert: server.certPem, key: server.keyPem };
}

async function startServer(
  seen: Seen,
  tls: TestCa | undefined,
  port = 0,
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(service, implementation(seen));
  const credentials = tls
    ? grpc.ServerCredentials.createSsl(
        null,
        [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }],
        false,
      )
    : grpc.ServerCredentials.createInsecure();
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, credentials, (error, p) => (error ? reject(error) : resolve(p))),
  );
  return { server, port: bound };
}

const clientOf = (relay: XdsRelay): Client =>
  new RelayClient(relay.target, grpc.credentials.createInsecure()) as Client;

/** Resolves with the status a call ended with. */
const statusOf = (call: grpc.ClientDuplexStream<Buffer, Buffer>): Promise<grpc.StatusObject> =>
  new Promise((resolve) => {
    call.on('error', () => undefined);
    call.on('status', resolve);
  });

function unary(client: Client, text: string): Promise<{ error: grpc.ServiceError | null; response?: string }> {
  return new Promise((resolve) =>
    client.Once(Buffer.from(text), new grpc.Metadata(), (error, response) =>
      resolve({ error, ...(response ? { response: response.toString() } : {}) }),
    ),
  );
}

async function nextMessage(call: grpc.ClientDuplexStream<Buffer, Buffer>): Promise<string> {
  const [message] = (await once(call, 'data')) as [Buffer];
  return message.toString();
}

describe('xDS relay to a TLS gRPC server', () => {
  let tls: TestCa;
  let seen: Seen;
  let upstream: { server: grpc.Server; port: number };
  let relay: XdsRelay;
  let client: Client;
  const logs: string[] = [];
  const relayOptions = (): XdsRelayOptions => ({
    upstreamUrl: `https://127.0.0.1:${upstream.port}`,
    ca: tls.caPem,
    token: 'tok.en-1',
    log: (line) => logs.push(line),
  });

  before(async () => {
    tls = await testCa();
    seen = { metadata: [], cancelled: 0 };
    upstream = await startServer(seen, tls);
    relay = await startXdsRelay(relayOptions());
    client = clientOf(relay);
  });
  after(async () => {
    client?.close();
    await relay?.close();
    upstream?.server.forceShutdown();
  });

  it('relays a bidi stream both ways and forwards the trailers; the server sees the token and the app metadata', async () => {
    const metadata = new grpc.Metadata();
    metadata.set('x-app', 'frontend');
    const call = client.Chat(metadata);
    const status = statusOf(call);
    call.write(Buffer.from('hello'));
    assert.equal(await nextMessage(call), 'HELLO');
    call.write(Buffer.from('again'));
    assert.equal(await nextMessage(call), 'AGAIN');
    call.write(Buffer.from('end'));
    const ended = await status;
    assert.equal(ended.code, grpc.status.OK);
    assert.deepEqual(ended.metadata.get('x-end'), ['yes']);
    const received = seen.metadata.at(-1)!;
    assert.deepEqual(received.get('authorization'), ['Bearer tok.en-1']);
    assert.deepEqual(received.get('x-app'), ['frontend']);
    assert.match(logs.join('\n'), /xDS relay: connected to the control plane at https:\/\/127\.0\.0\.1:\d+/);
  });

  it('forwards an error status with its details and trailing metadata, and a trailers-only answer', async () => {
    const call = client.Chat();
    const status = statusOf(call);
    call.write(Buffer.from('deny'));
    const denied = await status;
    assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
    assert.equal(denied.details, 'not you');
    assert.deepEqual(denied.metadata.get('x-reason'), ['policy']);

    const failed = await unary(client, 'fail');
    assert.equal(failed.error?.code, grpc.status.FAILED_PRECONDITION);
    assert.equal(failed.error?.details, 'ünïcode % details');
    assert.deepEqual(await unary(client, 'ok'), { error: null, response: 'ok' });
  });

  it('carries messages larger than the flow-control windows both ways', async () => {
    // Larger than a stream's flow-control window (1 MiB upstream, 64 KiB on grpc-js's side), under grpc-js's 4 MiB message limit.
    const big = 'x'.repeat(3 * 1024 * 1024);
    const call = client.Chat();
    const status = statusOf(call);
    call.write(Buffer.from(big));
    const [echoed] = (await once(call, 'data')) as [Buffer];
    assert.equal(echoed.length, big.length);
    call.write(Buffer.from('end'));
    assert.equal((await status).code, grpc.status.OK);
  });

  it('passes the app cancelling its stream on to the server', async () => {
    const before = seen.cancelled;
    const call = client.Chat();
    const status = statusOf(call);
    call.write(Buffer.from('ping'));
    await nextMessage(call);
    call.cancel();
    assert.equal((await status).code, grpc.status.CANCELLED);
    await waitFor(() => seen.cancelled > before, 'the server to see the cancellation');
  });

  it('ends the app stream with UNAVAILABLE when the server goes, and reconnects through a new session when it is back', async () => {
    const call = client.Chat();
    const status = statusOf(call);
    call.write(Buffer.from('before'));
    assert.equal(await nextMessage(call), 'BEFORE');
    upstream.server.forceShutdown();
    const lost = await status;
    assert.equal(lost.code, grpc.status.UNAVAILABLE, lost.details);

    const down = await unary(client, 'while down');
    assert.equal(down.error?.code, grpc.status.UNAVAILABLE);
    assert.match(down.error?.details ?? '', /ECONNREFUSED/);

    upstream = await startServer(seen, tls, upstream.port);
    assert.deepEqual(await unary(client, 'back'), { error: null, response: 'back' });
    const lines = logs.join('\n');
    assert.equal(lines.match(/ECONNREFUSED/g)?.length, 1, `a failure is logged once until the next success:\n${lines}`);
    assert.equal(lines.match(/connected to the control plane/g)?.length, 2, lines);
  });
});

describe('xDS relay: failures it must survive', () => {
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);

  it('a server whose certificate is not from the given CA: UNAVAILABLE naming the reason, and the relay keeps serving', async () => {
    const served = await testCa();
    const trusted = await testCa();
    const upstream = await startServer({ metadata: [], cancelled: 0 }, served);
    const relay = await startXdsRelay({ upstreamUrl: `https://127.0.0.1:${upstream.port}`, ca: trusted.caPem, log });
    const client = clientOf(relay);
    try {
      for (let i = 0; i < 2; i++) {
        const failed = await unary(client, 'hi');
        assert.equal(failed.error?.code, grpc.status.UNAVAILABLE);
        assert.match(
          failed.error?.details ?? '',
          /unable to verify the first certificate \(does --ca-cert-file hold the CA of this control plane/,
        );
      }
    } finally {
      client.close();
      await relay.close();
      upstream.server.forceShutdown();
    }
  });

  it('a server that accepts the connection and then says nothing: the unanswered ping ends the stream with UNAVAILABLE', async () => {
    const tls = await testCa();
    const silent = createTlsServer({ cert: tls.cert, key: tls.key, ALPNProtocols: ['h2'] }, () => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const relay = await startXdsRelay({
      upstreamUrl: `https://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      ca: tls.caPem,
      keepaliveIntervalMs: 100,
      keepaliveTimeoutMs: 200,
      log,
    });
    const client = clientOf(relay);
    try {
      const started = Date.now();
      const failed = await unary(client, 'anyone?');
      assert.equal(failed.error?.code, grpc.status.UNAVAILABLE);
      assert.match(failed.error?.details ?? '', /did not answer a ping within 200 ms/);
      assert.ok(Date.now() - started < 5_000);
    } finally {
      client.close();
      await relay.close();
      silent.close();
    }
  });

  it('a plaintext upstream (http://, --xds-tls false) is relayed too, token added', async () => {
    const seen: Seen = { metadata: [], cancelled: 0 };
    const upstream = await startServer(seen, undefined);
    const relay = await startXdsRelay({ upstreamUrl: `http://127.0.0.1:${upstream.port}`, token: 't', log });
    const client = clientOf(relay);
    try {
      assert.deepEqual(await unary(client, 'plain'), { error: null, response: 'plain' });
      assert.deepEqual(seen.metadata[0]?.get('authorization'), ['Bearer t']);
    } finally {
      client.close();
      await relay.close();
      upstream.server.forceShutdown();
    }
  });
});

describe('xDS relay: headers', () => {
  const upstream = { authority: 'cp.example:5678', scheme: 'https' as const };

  it("forwards the app's headers with the control plane's authority, drops hop-by-hop ones, and puts its token over the app's", () => {
    const headers = forwardedHeaders(
      {
        ':method': 'POST',
        ':path': '/svc/M',
        ':scheme': 'http',
        ':authority': '127.0.0.1:4000',
        te: 'trailers',
        'content-type': 'application/grpc',
        authorization: 'Bearer app',
        connection: 'x',
        'x-app': 'a',
      },
      upstream,
      'relay-token',
    );
    assert.deepEqual(
      { ...headers },
      {
        ':method': 'POST',
        ':path': '/svc/M',
        ':scheme': 'https',
        ':authority': 'cp.example:5678',
        te: 'trailers',
        'content-type': 'application/grpc',
        'x-app': 'a',
        authorization: 'Bearer relay-token',
      },
    );
  });

  it('percent-encodes grpc-message as gRPC requires', () => {
    assert.equal(encodeGrpcMessage('plain text: ok'), 'plain text: ok');
    assert.equal(encodeGrpcMessage('100% é\n'), '100%25 %C3%A9%0A');
  });
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
