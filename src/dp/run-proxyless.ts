/**
 * `koguma dp run --proxyless -- CMD ARGS...`: no Envoy; the application's
 * own gRPC xDS client talks to the control plane. The agent validates the
 * Dataplane, builds the gRPC bootstrap (grpc-bootstrap.ts) and runs the
 * application with it in GRPC_XDS_BOOTSTRAP_CONFIG, forwarding stop signals
 * and exiting with the application's status. The application is the
 * workload: it is not restarted (that is its own supervisor's call).
 *
 *   dataplane file ─► validate ─► bootstrap JSON ─► CMD (env) ─► exit status
 *   CMD's xDS client ─► 127.0.0.1 relay ─► DP server over TLS, with the token (xds-relay.ts)
 *
 * The relay runs whenever the DP server speaks TLS or a token must be
 * presented, neither of which the application's xDS client can do; only a
 * plaintext DP server without tokens (development) is dialled directly.
 *
 *   agent ─► DP server: the proxy's SDS Secrets ─► cert.pem, key.pem, ca.pem (secret-watcher.ts)
 *
 * gRPC libraries cannot take certificates over xDS either, so the agent
 * fetches the proxy's certificate and the mesh's roots on a stream of its own
 * and keeps them in files the bootstrap's certificate provider names; with
 * mesh mTLS off nothing is written and nothing refers to the files. The
 * directory is the agent's (0700) and removed when it exits.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { JsonObject } from '@bufbuild/protobuf';
import { createGrpcTransport } from '@connectrpc/connect-node';
import type { CpAddress } from './cp-address.js';
import { identityFromFlags, loadDataplaneFile, type IdentityFlags } from './dataplane-file.js';
import { DpError } from './errors.js';
import { proxylessBootstrapJson, proxylessEnv, BOOTSTRAP_CONFIG_ENV } from './grpc-bootstrap.js';
import { CERTIFICATES_STREAM_ROLE, STREAM_ROLE_METADATA } from '../xds/index.js';
import { identityFilesIn, prepareIdentityDir, type IdentityFiles } from './identity-files.js';
import { watchSecrets } from './secret-watcher.js';
import { startXdsRelay, type XdsRelay } from './xds-relay.js';
import type { DpLog } from './log.js';
import { onStopSignals, type StopSignal } from './stop-signals.js';
import { STOP_GRACE_MS, supervise, type Supervisor } from './supervisor.js';
import type { TemplateVars } from './template.js';

export interface ProxylessInput {
  readonly identity: IdentityFlags;
  readonly dataplaneFile?: string;
  readonly vars: TemplateVars;
  readonly cpAddress: CpAddress;
  readonly zone?: string;
  /**
   * The dataplane token (`--dataplane-token` / `--dataplane-token-file`, read).
   * The application's gRPC xDS client cannot send metadata, so the token is
   * for the agent's loopback xDS relay to present to the control plane; it
   * never goes into the application's bootstrap or environment.
   */
  readonly dataplaneToken?: string;
}

export interface ProxylessRunOptions extends ProxylessInput {
  /** The application and its arguments. */
  readonly command: readonly string[];
  /** How long the application may take to exit once stopped, beyond a short grace. */
  readonly drainTimeMs: number;
  /** PEM of `--ca-cert-file`: the relay verifies an https:// DP server with it. */
  readonly caCert?: string;
  readonly log: DpLog;
}

/**
 * The bootstrap JSON of a proxyless application, from the same inputs as
 * `dp run --proxyless`; `xdsServerUri` is the agent's relay when it runs one.
 * Without a relay the application would dial a TLS DP server in plaintext,
 * which can only fail, so that is refused here with what to do instead.
 */
export async function generateGrpcBootstrap(
  input: ProxylessInput,
  xdsServerUri?: string,
  certificateFiles?: IdentityFiles,
): Promise<string> {
  if (xdsServerUri === undefined && input.cpAddress.tls) {
    throw new DpError(
      `--cp-address ${input.cpAddress.url} speaks TLS, which a gRPC application's xDS client cannot (grpc-js-xds takes only insecure channel credentials): ` +
        'run the application under koguma dp run --proxyless, whose loopback relay speaks TLS for it, or give the http:// address of a DP server run with --xds-tls false',
    );
  }
  const dataplane =
    input.dataplaneFile === undefined
      ? identityFromFlags(input.identity)
      : await loadDataplaneFile(input.dataplaneFile, input.vars, input.identity);
  return proxylessBootstrapJson({
    dataplane,
    cpAddress: input.cpAddress,
    ...(input.zone === undefined ? {} : { zone: input.zone }),
    ...(xdsServerUri === undefined ? {} : { xdsServerUri }),
    ...(certificateFiles === undefined ? {} : { certificateFiles }),
  });
}

/** The agent's own stream for the proxy's certificates, as the same node the application's bootstrap describes. */
function startSecretWatcher(
  options: ProxylessRunOptions,
  bootstrap: string,
  files: IdentityFiles,
  signal: AbortSignal,
): Promise<void> {
  const { node } = JSON.parse(bootstrap) as { node: { id: string; metadata?: JsonObject } };
  const mesh = node.id.slice(0, node.id.indexOf('.'));
  return watchSecrets({
    transport: createGrpcTransport({
      baseUrl: options.cpAddress.url,
      ...(options.caCert === undefined ? {} : { nodeOptions: { ca: options.caCert } }),
    }),
    node: { ...node, metadata: { ...node.metadata, [STREAM_ROLE_METADATA]: CERTIFICATES_STREAM_ROLE } },
    mesh,
    files,
    ...(options.dataplaneToken === undefined ? {} : { headers: { authorization: `Bearer ${options.dataplaneToken}` } }),
    log: options.log,
    signal,
  });
}

/** The relay, when the application cannot reach the DP server by itself (TLS, or a token to present). */
async function relayFor(options: ProxylessRunOptions): Promise<XdsRelay | undefined> {
  if (!options.cpAddress.tls && options.dataplaneToken === undefined) return undefined;
  return startXdsRelay({
    upstreamUrl: options.cpAddress.url,
    ...(options.caCert === undefined ? {} : { ca: options.caCert }),
    ...(options.dataplaneToken === undefined ? {} : { token: options.dataplaneToken }),
    log: options.log,
  });
}

/** Runs the application until it exits; resolves with its status. */
export async function runProxyless(options: ProxylessRunOptions): Promise<number> {
  const [command, ...args] = options.command;
  if (command === undefined)
    throw new DpError(
      '--proxyless runs an application: give its command after --, as in: koguma dp run --proxyless ... -- node server.js',
    );
  const { log } = options;
  let supervisor: Supervisor | undefined;
  let firstSignal: StopSignal | undefined;
  const unsubscribe = onStopSignals((signal) => {
    if (supervisor !== undefined) return supervisor.stop(signal);
    firstSignal ??= signal;
  });
  let relay: XdsRelay | undefined;
  let certificatesDir: string | undefined;
  const stopWatching = new AbortController();
  let watching: Promise<void> | undefined;
  try {
    relay = await relayFor(options);
    certificatesDir = await mkdtemp(join(tmpdir(), 'koguma-dp-certs-'));
    const files = identityFilesIn(certificatesDir);
    await prepareIdentityDir(files);
    const bootstrap = await generateGrpcBootstrap(options, relay?.target, files);
    watching = startSecretWatcher(options, bootstrap, files, stopWatching.signal);
    if (firstSignal !== undefined) return 128 + constants.signals[firstSignal];
    const { node } = JSON.parse(bootstrap) as { node: { id: string } };
    const source =
      relay === undefined ? options.cpAddress.serverUri : `the relay on ${relay.target} to ${options.cpAddress.url}`;
    log(`proxyless dataplane ${node.id}: xDS from ${source}, bootstrap in ${BOOTSTRAP_CONFIG_ENV}`);
    supervisor = supervise({
      name: basename(command),
      command,
      args,
      env: proxylessEnv(process.env, bootstrap),
      stopTimeoutMs: options.drainTimeMs + STOP_GRACE_MS,
      log,
    });
    const status = await supervisor.done;
    log(`exiting with status ${status}`);
    return status;
  } finally {
    unsubscribe();
    stopWatching.abort();
    await watching;
    await relay?.close();
    if (certificatesDir !== undefined) await rm(certificatesDir, { recursive: true, force: true });
  }
}
