/**
 * `koguma dp run --proxyless -- CMD ARGS...`: no Envoy; the application's
 * own gRPC xDS client talks to the control plane. The agent validates the
 * Dataplane, builds the gRPC bootstrap (grpc-bootstrap.ts) and runs the
 * application with it in GRPC_XDS_BOOTSTRAP_CONFIG, forwarding stop signals
 * and exiting with the application's status. The application is the
 * workload: it is not restarted (that is its own supervisor's call).
 *
 *   dataplane file ─► validate ─► bootstrap JSON ─► CMD (env) ─► exit status
 */
import { constants } from 'node:os';
import { basename } from 'node:path';
import type { CpAddress } from './cp-address.js';
import { identityFromFlags, loadDataplaneFile, type IdentityFlags } from './dataplane-file.js';
import { DpError } from './errors.js';
import { proxylessBootstrapJson, proxylessEnv, BOOTSTRAP_CONFIG_ENV } from './grpc-bootstrap.js';
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
}

export interface ProxylessRunOptions extends ProxylessInput {
  /** The application and its arguments. */
  readonly command: readonly string[];
  /** How long the application may take to exit once stopped, beyond a short grace. */
  readonly drainTimeMs: number;
  readonly log: DpLog;
}

/** The bootstrap JSON of a proxyless application, from the same inputs as `dp run --proxyless`. */
export async function generateGrpcBootstrap(input: ProxylessInput): Promise<string> {
  const dataplane =
    input.dataplaneFile === undefined ? identityFromFlags(input.identity) : await loadDataplaneFile(input.dataplaneFile, input.vars, input.identity);
  return proxylessBootstrapJson({ dataplane, cpAddress: input.cpAddress, ...(input.zone === undefined ? {} : { zone: input.zone }) });
}

/** Runs the application until it exits; resolves with its status. */
export async function runProxyless(options: ProxylessRunOptions): Promise<number> {
  const [command, ...args] = options.command;
  if (command === undefined) throw new DpError('--proxyless runs an application: give its command after --, as in: koguma dp run --proxyless ... -- node server.js');
  const { log } = options;
  let supervisor: Supervisor | undefined;
  let firstSignal: StopSignal | undefined;
  const unsubscribe = onStopSignals((signal) => {
    if (supervisor !== undefined) return supervisor.stop(signal);
    firstSignal ??= signal;
  });
  try {
    const bootstrap = await generateGrpcBootstrap(options);
    if (firstSignal !== undefined) return 128 + constants.signals[firstSignal];
    const { node } = JSON.parse(bootstrap) as { node: { id: string } };
    log(`proxyless dataplane ${node.id}: xDS from ${options.cpAddress.serverUri}, bootstrap in ${BOOTSTRAP_CONFIG_ENV}`);
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
  }
}
