/**
 * A worker thread hosting a share of the simulated xDS clients, each on its
 * own HTTP/2 connection as a real proxy would be. The main thread drives it
 * with small commands (client-pool.ts):
 *
 *   start ─► clients connect, ramped ─► status (how many hold a full config)
 *   mark  ─► from now on, remember each client's first ACK of each type
 *   progress / collect ─► how many have / the times, and one response sample per type
 *   stop  ─► cancel every stream
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toBinary } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { AggregatedDiscoveryService } from '../../src/xds/envoy/gen/envoy/service/discovery/v3/ads_pb.js';
import {
  DeltaDiscoveryResponseSchema,
  DiscoveryResponseSchema,
} from '../../src/xds/envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { AdsClient, clientTypes, typeIndex, type AckEvent, type XdsProtocol } from './ads-client.js';
import { nowMs, sleep } from './clock.js';

export interface WorkerSetup {
  readonly url: string;
  readonly protocol: XdsProtocol;
  readonly nodeIds: readonly string[];
  /** Clients this worker opens per second, so connecting is not one thundering herd. */
  readonly connectRate: number;
  /** Advertise gzip (grpc-accept-encoding), as connect-node and grpc-js clients do by default. */
  readonly gzip: boolean;
}

export type WorkerCommand =
  | { readonly cmd: 'start' }
  | { readonly cmd: 'status' }
  | { readonly cmd: 'mark' }
  | { readonly cmd: 'progress'; readonly typeUrl?: string }
  | { readonly cmd: 'collect' }
  | { readonly cmd: 'stop' };

export interface WorkerStatus {
  readonly ready: number;
  readonly ended: number;
  /** Streams that failed and were opened again, since the start. */
  readonly reconnects: number;
  readonly acks: number;
  readonly lastAckAt: number;
  readonly errors: readonly string[];
}

export interface WorkerCollect {
  /** Per client (this worker's order) × clientTypes: the first ACK time after the mark, NaN when none. */
  readonly firstAfterMark: Float64Array;
  /** Per type URL, one response received after the mark, encoded (what the floor server replays). */
  readonly samples: Record<string, Uint8Array>;
}

const setup = workerData as WorkerSetup;
const types = clientTypes.length;
const firstAfterMark = new Float64Array(setup.nodeIds.length * types).fill(Number.NaN);
let marked = false;
let samples: Record<string, Uint8Array> = {};
let acks = 0;
let lastAckAt = 0;
const errors: string[] = [];

const clients = setup.nodeIds.map((nodeId, index) => {
  const transport = createGrpcTransport({ baseUrl: setup.url, ...(setup.gzip ? {} : { acceptCompression: [] }) });
  const onAck = (event: AckEvent): void => {
    acks++;
    lastAckAt = event.at;
    if (!marked) return;
    const slot = index * types + typeIndex(event.typeUrl);
    if (!Number.isNaN(firstAfterMark[slot]!)) return;
    firstAfterMark[slot] = event.at;
    if (samples[event.typeUrl] === undefined) {
      const response = event.response;
      samples[event.typeUrl] =
        response.$typeName === DiscoveryResponseSchema.typeName
          ? toBinary(DiscoveryResponseSchema, response)
          : toBinary(DeltaDiscoveryResponseSchema, response);
    }
  };
  const onEnd = (error: unknown): void => {
    if (error !== undefined && errors.length < 20) errors.push(`${nodeId}: ${String(error)}`);
  };
  return new AdsClient({
    client: createClient(AggregatedDiscoveryService, transport),
    protocol: setup.protocol,
    nodeId,
    onAck,
    onEnd,
  });
});

async function start(): Promise<void> {
  const began = nowMs();
  for (let i = 0; i < clients.length;) {
    const due = Math.min(clients.length, Math.floor(((nowMs() - began) / 1000) * setup.connectRate) + 1);
    for (; i < due; i++) clients[i]!.start();
    await sleep(5);
  }
}

function status(): WorkerStatus {
  let ready = 0;
  let ended = 0;
  let reconnects = 0;
  for (const client of clients) {
    if (client.ready) ready++;
    if (client.isEnded) ended++;
    reconnects += client.reconnects;
  }
  return { ready, ended, reconnects, acks, lastAckAt, errors };
}

/** Clients with an ACK after the mark: of the given type, or of any type. */
function progress(typeUrl: string | undefined): number {
  let count = 0;
  const only = typeUrl === undefined ? -1 : typeIndex(typeUrl);
  for (let c = 0; c < clients.length; c++) {
    for (let t = 0; t < types; t++) {
      if ((only === -1 || only === t) && !Number.isNaN(firstAfterMark[c * types + t]!)) {
        count++;
        break;
      }
    }
  }
  return count;
}

async function answer({ id, command }: { id: number; command: WorkerCommand }): Promise<void> {
  let reply: unknown;
  switch (command.cmd) {
    case 'start':
      await start();
      reply = { started: clients.length };
      break;
    case 'status':
      reply = status();
      break;
    case 'mark':
      firstAfterMark.fill(Number.NaN);
      samples = {};
      marked = true;
      reply = { at: nowMs() };
      break;
    case 'progress':
      reply = progress(command.typeUrl);
      break;
    case 'collect':
      reply = { firstAfterMark: firstAfterMark.slice(), samples } satisfies WorkerCollect;
      break;
    case 'stop':
      for (const client of clients) client.stop();
      await sleep(50);
      reply = { stopped: clients.length };
      break;
  }
  parentPort!.postMessage({ id, reply });
}

// A command that fails ends the worker with the error as an uncaught exception, which the scenario sees.
parentPort!.on('message', (message: { id: number; command: WorkerCommand }) => {
  answer(message).catch((error: unknown) =>
    process.nextTick(() => {
      throw error;
    }),
  );
});
