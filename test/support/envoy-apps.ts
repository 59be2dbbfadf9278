/**
 * Small services and clients for traffic through real Envoy sidecars, run
 * inside the test process on 127.0.0.1 (the OS picks their ports):
 *
 *   HTTP app   answers every request 200 with JSON {app, method, path, headers},
 *              the header `x-app: <name>`, and `x-echo` copied from the request;
 *              `x-respond-status: N` asks it for another status
 *   TCP app    answers each connection's bytes with `<name>:` and the same bytes
 *   gRPC app   a unary method /koguma.test.Echo/Say whose messages are JSON
 *              (gRPC does not care how a message is encoded)
 *
 * Each counts what it served, so a test can say where its traffic went.
 * `closeApps` (for `after`) closes every one still open.
 */
import * as grpc from '@grpc/grpc-js';
import {
  createServer as createHttpServer,
  request,
  type IncomingHttpHeaders,
  type Server as HttpServer,
} from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';

export interface TestApp {
  readonly name: string;
  readonly port: number;
  /** Requests (HTTP, gRPC) or connections (TCP) served so far. */
  served(): number;
  close(): Promise<void>;
}

const open = new Set<TestApp>();

/** For `after()`. */
export async function closeApps(): Promise<void> {
  await Promise.all([...open].map((app) => app.close()));
}

function listening(server: HttpServer | TcpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** An app closed by closeApps() unless closed before; `stop` stops its server. */
function tracked(name: string, port: number, served: () => number, stop: () => Promise<void>): TestApp {
  const app: TestApp = {
    name,
    port,
    served,
    close: () => {
      open.delete(app);
      return stop();
    },
  };
  open.add(app);
  return app;
}

export interface HttpAnswer {
  readonly app: string;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export async function startHttpApp(name: string): Promise<TestApp> {
  let served = 0;
  const server = createHttpServer((req, res) => {
    served++;
    const status = Number(req.headers['x-respond-status'] ?? 200);
    const echo = req.headers['x-echo'];
    const body: HttpAnswer = { app: name, method: req.method ?? '', path: req.url ?? '', headers: req.headers };
    req.resume();
    req.on('end', () =>
      res
        .writeHead(status, {
          'content-type': 'application/json',
          'x-app': name,
          ...(echo === undefined ? {} : { 'x-echo': echo }),
        })
        .end(JSON.stringify(body)),
    );
  });
  const port = await listening(server);
  return tracked(
    name,
    port,
    () => served,
    () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  );
}

export interface HttpReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One HTTP/1.1 request on a new connection to 127.0.0.1:`port`. */
export function httpRequest(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from 127.0.0.1:${port}${path} within ${options.timeoutMs ?? 10_000} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}

export async function startTcpApp(name: string): Promise<TestApp> {
  let served = 0;
  const server = createTcpServer((socket) => {
    served++;
    socket.on('data', (chunk) => socket.write(Buffer.concat([Buffer.from(`${name}:`), chunk])));
    socket.on('error', () => socket.destroy());
  });
  const port = await listening(server);
  return tracked(
    name,
    port,
    () => served,
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  );
}

/** Sends `text` on a new TCP connection to 127.0.0.1:`port` and resolves with the first answer. */
export function tcpExchange(port: number, text: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    const timer = setTimeout(
      () => socket.destroy(new Error(`no answer from 127.0.0.1:${port} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('data', (chunk) => {
      clearTimeout(timer);
      socket.end();
      resolve(chunk.toString('utf8'));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('end', () => {
      clearTimeout(timer);
      reject(new Error(`127.0.0.1:${port} closed the connection without an answer`));
    });
  });
}

const SAY = '/koguma.test.Echo/Say';
const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as unknown,
};
const echoService: grpc.ServiceDefinition = {
  Say: {
    path: SAY,
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
};

export interface GrpcAnswer {
  readonly app: string;
  readonly said: unknown;
  /** The request's `x-echo` metadata, if any. */
  readonly echo?: string;
}

export async function startGrpcApp(name: string): Promise<TestApp> {
  let served = 0;
  const server = new grpc.Server();
  server.addService(echoService, {
    Say: (call: grpc.ServerUnaryCall<unknown, GrpcAnswer>, callback: grpc.sendUnaryData<GrpcAnswer>) => {
      served++;
      const echo = call.metadata.get('x-echo')[0];
      callback(null, { app: name, said: call.request, ...(echo === undefined ? {} : { echo: String(echo) }) });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return tracked(
    name,
    port,
    () => served,
    () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  );
}

/** One unary call of Say on 127.0.0.1:`port` (plaintext HTTP/2), with `x-echo` metadata when given. */
export async function grpcSay(port: number, message: unknown, echo?: string, timeoutMs = 10_000): Promise<GrpcAnswer> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    const metadata = new grpc.Metadata();
    if (echo !== undefined) metadata.set('x-echo', echo);
    return await new Promise<GrpcAnswer>((resolve, reject) =>
      client.makeUnaryRequest<unknown, GrpcAnswer>(
        SAY,
        json.serialize,
        json.deserialize as (bytes: Buffer) => GrpcAnswer,
        message,
        metadata,
        { deadline: Date.now() + timeoutMs },
        (error, answer) => (error || answer === undefined ? reject(error ?? new Error('no answer')) : resolve(answer)),
      ),
    );
  } finally {
    client.close();
  }
}
