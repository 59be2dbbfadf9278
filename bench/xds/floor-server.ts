/**
 * The floor: the least an ADS server can do. It answers each stream's first
 * request of a type with an empty response, ignores ACKs, and, when the bench
 * says so over IPC, writes one pre-built response (the bytes the real control
 * plane sent) to the chosen streams. No snapshots, no versions, no
 * bookkeeping: whatever the real control plane takes beyond this is its own.
 *
 * Two transports, to tell the stack's cost from the server's:
 * - `connect`: connect-node over node:http2, as the control plane's DP server.
 *   The response is decoded once; connect-node encodes and frames it per stream.
 * - `raw`: node:http2 alone. The response is framed once (gRPC length prefix)
 *   and the same Buffer is written to every stream; requests are decoded only
 *   to learn the node id and type.
 *
 * Run as a child process: `node floor-server.js <port> <sotw|delta> <connect|raw>`.
 */
import http2 from 'node:http2';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { AggregatedDiscoveryService } from '../../src/xds/envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import {
  DeltaDiscoveryRequestSchema,
  DeltaDiscoveryResponseSchema,
  DiscoveryRequestSchema,
  DiscoveryResponseSchema,
  type DeltaDiscoveryResponse,
  type DiscoveryResponse,
} from '../../src/xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { requestQueue, type RequestQueue } from './request-queue.js';

type Response = DiscoveryResponse | DeltaDiscoveryResponse;

const port = Number(process.argv[2]);
const protocol = process.argv[3] === 'delta' ? 'delta' : 'sotw';
const transport = process.argv[4] === 'raw' ? 'raw' : 'connect';

const emptyResponse = (typeUrl: string): Response =>
  protocol === 'sotw'
    ? create(DiscoveryResponseSchema, { typeUrl, versionInfo: 'floor-0', nonce: 'floor-0' })
    : create(DeltaDiscoveryResponseSchema, { typeUrl, systemVersionInfo: 'floor-0', nonce: 'floor-0' });

/** Node id → how to hand its stream one response (decoded) and one frame (raw). */
const streams = new Map<string, (response: Response, frame: Buffer) => void>();

// --- connect-node ------------------------------------------------------------

async function* serve<Req extends { node?: { id: string } | undefined; typeUrl: string }, Res extends Response>(
  requests: AsyncIterable<Req>,
): AsyncGenerator<Res> {
  const out = requestQueue<Res>();
  const seen = new Set<string>();
  let nodeId: string | undefined;
  const deliver = (response: Response): void => out.push(response as Res);
  void (async () => {
    try {
      for await (const request of requests) {
        if (nodeId === undefined && request.node) {
          nodeId = request.node.id;
          streams.set(nodeId, deliver);
        }
        if (!seen.has(request.typeUrl)) {
          seen.add(request.typeUrl);
          out.push(emptyResponse(request.typeUrl) as Res);
        }
      }
    } catch {
      // the client went away
    } finally {
      if (nodeId !== undefined && streams.get(nodeId) === deliver) streams.delete(nodeId);
      out.end();
    }
  })();
  yield* (out as RequestQueue<Res>).iterable;
}

const service: ServiceImpl<typeof AggregatedDiscoveryService> = {
  streamAggregatedResources: (requests) => serve(requests),
  deltaAggregatedResources: (requests) => serve(requests),
};

// --- raw node:http2 ------------------------------------------------------------

/** A gRPC message frame: uncompressed flag, 4-byte big-endian length, the bytes. */
function frameOf(bytes: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + bytes.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(bytes.length, 1);
  frame.set(bytes, 5);
  return frame;
}

const encodeResponse = (response: Response): Uint8Array =>
  protocol === 'sotw'
    ? toBinary(DiscoveryResponseSchema, response as DiscoveryResponse)
    : toBinary(DeltaDiscoveryResponseSchema, response as DeltaDiscoveryResponse);

function rawStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
  const path = headers[':path'] ?? '';
  if (!path.endsWith(protocol === 'sotw' ? '/StreamAggregatedResources' : '/DeltaAggregatedResources')) {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' }, { endStream: true });
    return;
  }
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
  const seen = new Set<string>();
  let nodeId: string | undefined;
  let pending: Buffer = Buffer.alloc(0);
  const deliver = (_response: Response, frame: Buffer): void => void stream.write(frame);
  stream.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
      const length = pending.readUInt32BE(1);
      const bytes = pending.subarray(5, 5 + length);
      pending = pending.subarray(5 + length);
      const request =
        protocol === 'sotw'
          ? fromBinary(DiscoveryRequestSchema, bytes)
          : fromBinary(DeltaDiscoveryRequestSchema, bytes);
      if (nodeId === undefined && request.node) {
        nodeId = request.node.id;
        streams.set(nodeId, deliver);
      }
      if (!seen.has(request.typeUrl)) {
        seen.add(request.typeUrl);
        stream.write(frameOf(encodeResponse(emptyResponse(request.typeUrl))));
      }
    }
  });
  const forget = (): void => {
    if (nodeId !== undefined && streams.get(nodeId) === deliver) streams.delete(nodeId);
  };
  stream.on('close', forget);
  stream.on('error', forget);
}

// --- process -------------------------------------------------------------------

const server =
  transport === 'connect'
    ? http2.createServer(
        connectNodeAdapter({
          routes: (router) => router.service(AggregatedDiscoveryService, service),
          grpc: true,
          connect: false,
          grpcWeb: false,
          acceptCompression: [],
        }),
      )
    : http2.createServer();
if (transport === 'raw') server.on('stream', rawStream);
server.on('session', (session) => session.on('error', () => undefined));
server.listen(port, '127.0.0.1', () => process.send!({ listening: true }));

process.on('message', (message: { id: number; response: string; nodeIds: string[] | null }) => {
  const bytes = Buffer.from(message.response, 'base64');
  const response: Response =
    protocol === 'sotw' ? fromBinary(DiscoveryResponseSchema, bytes) : fromBinary(DeltaDiscoveryResponseSchema, bytes);
  const frame = frameOf(bytes);
  let pushed = 0;
  for (const nodeId of message.nodeIds ?? [...streams.keys()]) {
    const deliver = streams.get(nodeId);
    if (!deliver) continue;
    deliver(response, frame);
    pushed++;
  }
  process.send!({ id: message.id, pushed });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
