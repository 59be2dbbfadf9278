/**
 * What a flood of ADS streams costs the control plane: one client opens
 * `--streams` streams on `--connections` HTTP/2 connections against a real
 * `koguma cp run` child (memory store, `--dp-auth none`, plaintext), either
 * all as the same dataplane (`identified`: each sends a first
 * DiscoveryRequest) or without ever sending a request (`pending`). After
 * each round every connection is torn down and the next round starts, so
 * the last rows show whether churn leaves memory behind.
 *
 * Reported per round: how the streams ended (served, refused with which
 * gRPC status, reset by HTTP/2), and the control plane's resident memory
 * (VmRSS) while the streams are held and after they are gone.
 *
 *   node dist/bench/xds-stream-flood.js [--streams 10000] [--connections 1] [--rounds 3] [--mode identified|pending] [--hold 3000]
 *
 * Run on purpose; everything is on 127.0.0.1.
 */
import http2 from 'node:http2';
import { create, toBinary } from '@bufbuild/protobuf';
import { parseArgs } from 'node:util';
import { DiscoveryRequestSchema } from '../src/xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { TypeUrl } from '../src/xds/resource-types.js';
import { nowMs, sleep } from './xds/clock.js';
import { rssBytes, startControlPlane } from './xds/processes.js';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    mode: { type: 'string', default: 'identified' },
    hold: { type: 'string', default: '3000' },
  },
});
const streams = Number(values.streams);
const connections = Number(values.connections);
const rounds = Number(values.rounds);
const mode = values.mode === 'pending' ? 'pending' : 'identified';
const holdMs = Number(values.hold);

const adsPath = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';

function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

const firstRequest = grpcFrame(
  toBinary(
    DiscoveryRequestSchema,
    create(DiscoveryRequestSchema, {
      node: { id: 'default.flood', metadata: { 'koguma.io/proxy-flavour': 'envoy' } },
      typeUrl: TypeUrl.Cluster,
    }),
  ),
);

interface Tally {
  served: number;
  byStatus: Map<string, number>;
  reset: number;
}

function openStream(session: http2.ClientHttp2Session, tally: Tally): void {
  let stream: http2.ClientHttp2Stream;
  try {
    stream = session.request(
      { ':method': 'POST', ':path': adsPath, 'content-type': 'application/grpc', te: 'trailers' },
      { endStream: false },
    );
  } catch {
    tally.reset++;
    return;
  }
  let counted = false;
  const end = (what: string): void => {
    if (counted) return;
    counted = true;
    tally.byStatus.set(what, (tally.byStatus.get(what) ?? 0) + 1);
  };
  stream.on('response', (headers) => {
    const status = headers['grpc-status'];
    if (status !== undefined) end(`grpc-status ${String(status)}`);
  });
  stream.on('trailers', (trailers) => end(`grpc-status ${String(trailers['grpc-status'])}`));
  stream.on('data', () => {
    if (!counted && !stream.readableEnded) {
      counted = true;
      tally.served++;
    }
  });
  stream.on('error', () => undefined);
  stream.on('close', () => {
    if (!counted && stream.rstCode !== undefined && stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) {
      counted = true;
      tally.reset++;
    }
  });
  if (mode === 'identified') stream.write(firstRequest);
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const cp = await startControlPlane();
  try {
    const dataplane = {
      type: 'Dataplane',
      mesh: 'default',
      name: 'flood',
      networking: { address: '127.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'flood' } }] },
    };
    const put = await fetch(`${cp.apiUrl}/meshes/default/dataplanes/flood`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(dataplane),
    });
    if (!put.ok) throw new Error(`PUT dataplane: ${put.status} ${await put.text()}`);
    console.log(
      `mode ${mode}, ${streams} streams over ${connections} connection(s), ${rounds} rounds; control plane RSS at start ${mib(rssBytes(cp.pid))}`,
    );
    console.log('round | served | refused / ended (gRPC status) | reset | RSS held | RSS after close');
    for (let round = 1; round <= rounds; round++) {
      const tally: Tally = { served: 0, byStatus: new Map(), reset: 0 };
      const sessions = Array.from({ length: connections }, () => http2.connect(cp.xdsUrl));
      for (const session of sessions) session.on('error', () => undefined);
      const started = nowMs();
      for (let i = 0; i < streams; i++) {
        openStream(sessions[i % connections]!, tally);
        if (i % 500 === 499) await sleep(1);
      }
      await sleep(holdMs);
      const held = rssBytes(cp.pid);
      for (const session of sessions) session.destroy();
      await sleep(2_000);
      const after = rssBytes(cp.pid);
      const statuses = [...tally.byStatus].map(([status, count]) => `${count} × ${status}`).join(', ') || '-';
      console.log(
        `${round} | ${tally.served} | ${statuses} | ${tally.reset} | ${mib(held)} | ${mib(after)}  (${((nowMs() - started) / 1000).toFixed(1)} s)`,
      );
    }
  } finally {
    await cp.stop();
  }
}

await main();
