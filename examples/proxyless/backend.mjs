// @ts-check
/**
 * A backend of the proxyless example:
 *
 *   node backend.mjs <name> <ip:port>
 *
 * It serves the Whoami service with @grpc/grpc-js-xds's XdsServer, which
 * fetches its listener from the control plane before it accepts connections:
 * `koguma dp run --proxyless` hands it the bootstrap (GRPC_XDS_BOOTSTRAP_CONFIG),
 * and the Dataplane of backend.yaml, registered when this process connects,
 * makes the control plane serve the listener
 * `grpc/server?xds.resource.listening_address=<ip:port>`. The address given
 * here must be exactly the Dataplane's address and inbound port.
 *
 * On SIGTERM or SIGINT it stops taking new calls, lets calls in flight finish
 * (clients move to another backend as soon as it says goodbye), and exits.
 */
import * as grpc from '@grpc/grpc-js';
import * as xds from '@grpc/grpc-js-xds';
import { whoamiService } from './service.mjs';

const [name, address] = process.argv.slice(2);
if (name === undefined || address === undefined) {
  console.error('usage: node backend.mjs <name> <ip:port>');
  process.exit(2);
}

xds.register(); // the xDS HTTP filters (router, RBAC, ...) the server's listener names
const server = new xds.XdsServer();
server.addService(whoamiService, {
  /** @type {grpc.handleUnaryCall<Buffer, Buffer>} */
  Who: (_call, callback) => callback(null, Buffer.from(name)),
});

// The port opens once the control plane's listener for it arrived; until
// then (or if the listener is refused) the serving state says why not.
// xDS credentials: mTLS with the mesh's certificates when the listener says
// so (mesh mTLS on), plaintext otherwise.
server.bindAsync(address, new xds.XdsServerCredentials(grpc.ServerCredentials.createInsecure()), () => {});
let state = '';
server.addServingStateListener(address, ({ code, details }) => {
  const now =
    code === grpc.status.OK ? `${name} serving on ${address}` : `${name} not serving on ${address}: ${details}`;
  if (now !== state) console.log((state = now));
});

let stopping = false;
/** @param {NodeJS.Signals} signal */
const stop = (signal) => {
  // Ctrl-C reaches the app twice (from the terminal, and forwarded by the agent).
  if (stopping) return;
  stopping = true;
  console.log(`${name} stopping (${signal})`);
  // tryShutdown closes the port and says GOAWAY on open connections: clients
  // send their next calls elsewhere, calls in flight finish. Exiting the
  // moment it is done can reset connections that are still closing, failing
  // a call already on the wire (ECONNRESET) that the client would otherwise
  // retry on another backend; hence the short linger.
  server.tryShutdown(() => setTimeout(() => process.exit(0), 500));
  // Calls that take too long are cut.
  setTimeout(() => {
    server.forceShutdown();
    process.exit(0);
  }, 3_000);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
