// @ts-check
/**
 * The client of the proxyless example:
 *
 *   node client.mjs [xds:///backend] [--rate 20] [--json]
 *
 * It calls the Whoami service `--rate` times a second through an `xds:` target:
 * grpc-js-xds resolves it from the control plane (listener, route, cluster,
 * endpoints), balances calls round robin over the backends, and follows
 * every change the control plane pushes. Run it under
 * `koguma dp run --proxyless`, which hands it the bootstrap.
 *
 * Every second it prints how many calls each backend answered:
 *     14:03:07  backend-1: 10  backend-2: 10
 * With --json it prints one line per call instead, for programs to read:
 *     {"at":1718000000123,"server":"backend-1"}
 *     {"at":1718000000173,"error":"UNAVAILABLE","details":"..."}
 */
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as xds from '@grpc/grpc-js-xds';
import { WhoamiClient } from './service.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rate: { type: 'string', default: '20' }, json: { type: 'boolean', default: false } },
});
const target = positionals[0] ?? 'xds:///backend';
const rate = Number(values.rate);

xds.register(); // teaches grpc-js the xds: scheme
// xDS credentials: mTLS with the mesh's certificates when the cluster says so, plaintext otherwise.
const client = new WhoamiClient(target, new xds.XdsChannelCredentials(grpc.credentials.createInsecure()));

/** @type {Map<string, number>} Calls answered per backend (and failed, per status) since the last tally. */
let tally = new Map();
const count = (/** @type {string} */ key) => tally.set(key, (tally.get(key) ?? 0) + 1);

/** @param {{ server: string } | { error: string, details: string }} outcome */
function record(outcome) {
  if (values.json) console.log(JSON.stringify({ at: Date.now(), ...outcome }));
  else count('server' in outcome ? outcome.server : `failed (${outcome.error})`);
}

function call() {
  client.Who(
    Buffer.alloc(0),
    { deadline: Date.now() + 1_000 },
    (/** @type {grpc.ServiceError | null} */ error, /** @type {Buffer | undefined} */ reply) =>
      record(error ? { error: grpc.status[error.code], details: error.details } : { server: String(reply) }),
  );
}

setInterval(call, 1_000 / rate);
if (!values.json)
  setInterval(() => {
    const time = new Date().toTimeString().slice(0, 8);
    const counts = [...tally].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `${key}: ${n}`);
    console.log(`${time}  ${counts.length > 0 ? counts.join('  ') : 'no answers yet'}`);
    tally = new Map();
  }, 1_000);

// Stopped by `koguma dp run` (or Ctrl-C, which may arrive twice: from the
// terminal and forwarded by the agent): a client has nothing to drain.
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
