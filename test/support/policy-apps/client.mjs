// @ts-check
/**
 * A configurable client for the policy end-to-end tests, run under
 * `koguma dp run --proxyless` with client.yaml:
 *
 *   node client.mjs xds:///<service> [--rate R] [--burst B] [--count N]
 *        [--header name=value ...] [--key-header NAME --keys K] [--deadline-ms D]
 *
 * Every 1/R s it starts B calls at once (B > 1 makes concurrent calls, for
 * MeshCircuitBreaker), until N calls were started (0: no limit). Each call
 * carries the --header metadata; with --key-header, call i also carries
 * NAME: key-<i mod K> (a hash key for RingHash). Each call has a deadline of
 * D ms (default 5000, longer than any mesh timeout the tests set, so a
 * DEADLINE_EXCEEDED is the mesh's doing).
 *
 * One JSON line per outcome, in the order they are answered:
 *   {"seq":7,"at":1718000000123,"ms":3,"key":"key-3","server":"backend-v1"}
 *   {"seq":8,"at":1718000000173,"ms":1,"error":"UNAVAILABLE","details":"..."}
 * `at` is when the call ended, `ms` how long it took.
 */
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as xds from '@grpc/grpc-js-xds';
import { WhoamiClient } from '../../../examples/proxyless/service.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rate: { type: 'string', default: '20' },
    burst: { type: 'string', default: '1' },
    count: { type: 'string', default: '0' },
    header: { type: 'string', multiple: true, default: [] },
    'key-header': { type: 'string' },
    keys: { type: 'string', default: '1' },
    'deadline-ms': { type: 'string', default: '5000' },
  },
});
const target = positionals[0];
const rate = Number(values.rate);
const burst = Number(values.burst);
const count = Number(values.count);
const keys = Number(values.keys);
const deadlineMs = Number(values['deadline-ms']);
const headers = values.header.map((h) => [h.slice(0, h.indexOf('=')), h.slice(h.indexOf('=') + 1)]);
if (
  target === undefined ||
  !(rate > 0) ||
  !(burst >= 1) ||
  !(count >= 0) ||
  !(keys >= 1) ||
  !(deadlineMs > 0) ||
  headers.some(([n]) => !n)
) {
  console.error(
    'usage: node client.mjs xds:///<service> [--rate R] [--burst B] [--count N] [--header name=value ...] [--key-header NAME --keys K] [--deadline-ms D]',
  );
  process.exit(2);
}

xds.register();
const client = new WhoamiClient(target, new xds.XdsChannelCredentials(grpc.credentials.createInsecure()));

let started = 0;

function call() {
  const seq = started++;
  const metadata = new grpc.Metadata();
  for (const [name, value] of headers) metadata.add(name, value);
  const key = values['key-header'] === undefined ? undefined : `key-${seq % keys}`;
  if (key !== undefined) metadata.set(values['key-header'], key);
  const begin = Date.now();
  client.Who(
    Buffer.alloc(0),
    metadata,
    { deadline: begin + deadlineMs },
    (/** @type {grpc.ServiceError | null} */ error, /** @type {Buffer | undefined} */ reply) => {
      const end = Date.now();
      const outcome = error ? { error: grpc.status[error.code], details: error.details } : { server: String(reply) };
      console.log(JSON.stringify({ seq, at: end, ms: end - begin, ...(key === undefined ? {} : { key }), ...outcome }));
    },
  );
}

const timer = setInterval(() => {
  for (let i = 0; i < burst; i++) {
    if (count > 0 && started >= count) {
      clearInterval(timer);
      return;
    }
    call();
  }
}, 1_000 / rate);

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
