// @ts-check
/**
 * A configurable backend for the policy end-to-end tests, run under
 * `koguma dp run --proxyless` with backend.yaml:
 *
 *   node backend.mjs <name> <ip:port> [--fail-every N] [--delay-ms D]
 *
 * It serves the Whoami service of examples/proxyless/ with an XdsServer (the
 * listener comes from the control plane, plaintext unless mesh mTLS is on) and
 * answers every call with its name. `--fail-every N` makes every Nth call it
 * receives fail with UNAVAILABLE (a flaky backend for MeshRetry), and
 * `--delay-ms D` holds every answer D ms (a slow backend for MeshTimeout and
 * MeshCircuitBreaker). It prints "<name> serving on <ip:port>" once it serves.
 */
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as xds from '@grpc/grpc-js-xds';
import { whoamiService } from '../../../examples/proxyless/service.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'fail-every': { type: 'string', default: '0' }, 'delay-ms': { type: 'string', default: '0' } },
});
const [name, address] = positionals;
const failEvery = Number(values['fail-every']);
const delayMs = Number(values['delay-ms']);
if (name === undefined || address === undefined || !(failEvery >= 0) || !(delayMs >= 0)) {
  console.error('usage: node backend.mjs <name> <ip:port> [--fail-every N] [--delay-ms D]');
  process.exit(2);
}

let received = 0;

xds.register();
const server = new xds.XdsServer();
server.addService(whoamiService, {
  /** @type {grpc.handleUnaryCall<Buffer, Buffer>} */
  Who: (_call, callback) => {
    received += 1;
    const fail = failEvery > 0 && received % failEvery === 0;
    const answer = () =>
      fail
        ? callback({ code: grpc.status.UNAVAILABLE, details: `${name} fails call ${received} on purpose` })
        : callback(null, Buffer.from(name));
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  },
});

server.bindAsync(address, new xds.XdsServerCredentials(grpc.ServerCredentials.createInsecure()), () => {});
let state = '';
server.addServingStateListener(address, ({ code, details }) => {
  const now =
    code === grpc.status.OK ? `${name} serving on ${address}` : `${name} not serving on ${address}: ${details}`;
  if (now !== state) console.log((state = now));
});

// Stopped by the agent: no draining needed, the tests stop backends only at the end.
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
