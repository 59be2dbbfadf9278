/**
 * A DP server on a free loopback port (plaintext, or TLS with a test CA) with
 * a memory cache and a status registry, and a connect-node gRPC client for
 * it; helpers to drive a bidi stream step by step with every wait bounded.
 */
import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { generateServerCa, issueServerCertificate, loadCa } from '../../src/mtls/index.js';
import { AggregatedDiscoveryService } from '../../src/xds/envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import {
  MemorySnapshotCache,
  ProxyStatusRegistry,
  startDpServer,
  trustClaimedIdentity,
  type AdsServiceOptions,
  type BootstrapHandler,
  type DpServerTls,
  type RunningDpServer,
  type StreamLimits,
} from '../../src/xds/server/index.js';

export interface TestDpServer {
  readonly server: RunningDpServer;
  readonly cache: MemorySnapshotCache;
  readonly registry: ProxyStatusRegistry;
  readonly client: Client<typeof AggregatedDiscoveryService>;
  close(): Promise<void>;
}

export const echoBootstrap: BootstrapHandler = async (body, accept) => ({
  status: 200,
  contentType: 'application/json',
  body: JSON.stringify({ received: body, accept: accept ?? null }),
});

/** A CA and a server certificate it signs for localhost and 127.0.0.1: what `koguma cp run` generates. */
export interface TestTls extends DpServerTls {
  readonly caPem: string;
}

export async function testTls(names: string[] = ['localhost', '127.0.0.1']): Promise<TestTls> {
  const ca = await generateServerCa({ commonName: 'test DP server CA', lifetimeMs: 86_400_000 });
  const server = await issueServerCertificate(await loadCa(ca.certPem, ca.keyPem), { names, lifetimeMs: 86_400_000 });
  return { cert: server.certPem, key: server.keyPem, caPem: ca.certPem };
}

export async function startTestDpServer(
  options: {
    ads?: Partial<AdsServiceOptions>;
    bootstrapHandler?: BootstrapHandler;
    drainTimeoutMs?: number;
    port?: number;
    tls?: TestTls;
    streamLimits?: Partial<StreamLimits>;
  } = {},
): Promise<TestDpServer> {
  const cache = new MemorySnapshotCache();
  const registry = new ProxyStatusRegistry('cp-test');
  const server = await startDpServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    ads: {
      snapshots: cache,
      status: registry,
      identify: trustClaimedIdentity,
      controlPlaneId: 'cp-test',
      ...options.ads,
    },
    bootstrapHandler: options.bootstrapHandler ?? echoBootstrap,
    drainTimeoutMs: options.drainTimeoutMs ?? 1_000,
    ...(options.streamLimits === undefined ? {} : { streamLimits: options.streamLimits }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  });
  // connect-node's gRPC transport always speaks HTTP/2 (prior knowledge on http://, ALPN h2 on https://), as grpc-js and Envoy do.
  const client = createClient(
    AggregatedDiscoveryService,
    createGrpcTransport({
      baseUrl: server.url,
      ...(options.tls === undefined ? {} : { nodeOptions: { ca: options.tls.caPem } }),
    }),
  );
  return { server, cache, registry, client, close: () => server.close() };
}

/** An async iterable to feed a client stream: push messages, then end. */
export function pushable<T>(): { push(value: T): void; end(): void; iterable: AsyncIterable<T> } {
  const queue: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  return {
    push: (value) => {
      queue.push(value);
      notify();
    },
    end: () => {
      ended = true;
      notify();
    },
    iterable: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const value = queue.shift();
          if (value !== undefined) yield value;
          else if (ended) return;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
  };
}

/** Reads a response stream one message at a time, failing after `timeoutMs`. */
export function reader<T>(iterable: AsyncIterable<T>): {
  next(timeoutMs?: number): Promise<T>;
  /** Resolves with the error the stream ended with (undefined on a clean end), skipping messages. */
  ended(timeoutMs?: number): Promise<unknown>;
  /** Asserts nothing arrives within `ms`. */
  quiet(ms: number): Promise<void>;
} {
  const iterator = iterable[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  const pull = (): Promise<IteratorResult<T>> => (pending ??= iterator.next());
  const within = <R>(promise: Promise<R>, ms: number, what: string): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      promise.then(
        (value) => (clearTimeout(timer), resolve(value)),
        (error: unknown) => (clearTimeout(timer), reject(error instanceof Error ? error : new Error(String(error)))),
      );
    });
  return {
    async next(timeoutMs = 30_000) {
      const result = await within(pull(), timeoutMs, 'a response');
      pending = undefined;
      if (result.done) throw new Error('the stream ended');
      return result.value;
    },
    async ended(timeoutMs = 30_000) {
      for (;;) {
        try {
          const result = await within(pull(), timeoutMs, 'the end of the stream');
          pending = undefined;
          if (result.done) return undefined;
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('timed out')) throw error;
          return error;
        }
      }
    },
    async quiet(ms) {
      const outcome = await Promise.race([
        pull().then(
          () => 'message' as const,
          () => 'error' as const,
        ),
        new Promise<'quiet'>((resolve) => setTimeout(() => resolve('quiet'), ms)),
      ]);
      if (outcome !== 'quiet') throw new Error(`expected no response for ${ms} ms, got a ${outcome}`);
    },
  };
}

/** Waits until `check` returns a value other than undefined, polling every 20 ms, failing after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined, timeoutMs = 30_000, what = 'a condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
