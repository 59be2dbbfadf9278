/**
 * `koguma dp run` in Envoy mode: the agent next to one workload.
 *
 *   dataplane file ─► validate ─┐
 *   (or --mesh/--name: indirect)├─► Envoy found (find-envoy.ts), its --version supported (envoy-version.ts)
 *                               ├─► POST /bootstrap (retried until --bootstrap-timeout)
 *                               └─► <workdir>/bootstrap.yaml ─► envoy -c ... (supervised, restarted with backoff;
 *                                   killed and restarted when its admin API is not up within --envoy-start-timeout)
 *   SIGINT/SIGTERM ─► the control plane takes this proxy out of its callers' endpoints (admin channel: leaving)
 *                  ─► Envoy drains its inbound listeners for --drain-time, still answering
 *                  ─► SIGTERM to Envoy ─► agent exits with Envoy's status (a second signal: stop now)
 *   admin channel to the DP server (admin-tunnel.ts): the control plane reads
 *   Envoy's config dump, stats and clusters through the agent
 *
 * `--admin-port` goes into the Dataplane (`networking.admin.port`, where the
 * control plane reads it) and, as kuma-dp sends it, into the request.
 * Stop signals are watched from the first line: one that comes while the
 * bootstrap is still being fetched ends the agent at once (128 + signal).
 * A workdir the agent created itself is removed when it exits.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { productVersion } from '../api/index.js';
import type { BackoffPolicy, RestartPolicy } from './backoff.js';
import { fetchBootstrap, type BootstrapRequest } from './bootstrap-client.js';
import { readDataplaneToken } from './dataplane-token.js';
import type { CpAddress } from './cp-address.js';
import {
  identityFromFlags,
  loadDataplaneFile,
  withAdminPort,
  type IdentityFlags,
  type LoadedDataplane,
} from './dataplane-file.js';
import { DATAPLANE_RESOURCE_METADATA } from '../xds/index.js';
import { ADMIN_ANSWER_LIMIT_BYTES } from '../xds/server/index.js';
import { openAdminTunnel, type AdminTunnel } from './admin-tunnel.js';
import { ADMIN_ADDRESS_FILE, drainInboundListeners, envoyAdminCheck } from './envoy-admin.js';
import { readEnvoyAdmin } from './envoy-admin-read.js';
import { envoyArgs } from './envoy-args.js';
import { agentSoftware } from './agent-software.js';
import { checkEnvoyVersion } from './envoy-version.js';
import { findEnvoy } from './find-envoy.js';
import { DpError } from './errors.js';
import type { DpLog } from './log.js';
import { onStopSignals, type StopSignal } from './stop-signals.js';
import { STOP_GRACE_MS, supervise, type Supervisor } from './supervisor.js';
import type { TemplateVars } from './template.js';

export interface EnvoyRunOptions {
  readonly identity: IdentityFlags;
  readonly dataplaneFile?: string;
  readonly vars: TemplateVars;
  /** The dataplane token, sent with the bootstrap request; or the file holding it. */
  readonly dataplaneToken?: string;
  readonly dataplaneTokenFile?: string;
  readonly cpAddress: CpAddress;
  /** PEM of `--ca-cert-file`: verifies an https:// DP server, and Envoy's ADS connection trusts it too. */
  readonly caCert?: string;
  /** `--envoy-path`: a file, or a name looked up in PATH; without it `envoy` is looked for (find-envoy.ts). */
  readonly envoyPath?: string;
  /** The flag `envoyPath` came from (`--envoy-path`, or its alias `--binary-path`), for error messages. */
  readonly envoyPathFlag?: string;
  readonly workdir?: string;
  readonly adminPort?: number;
  readonly envoyLogLevel?: string;
  /** Words after `--`, passed to Envoy. */
  readonly extraArgs: readonly string[];
  readonly drainTimeMs: number;
  readonly bootstrapTimeoutMs: number;
  readonly restartBackoffMs: number;
  readonly restartBackoffMaxMs: number;
  /** How long a started Envoy has to bring its admin API up before it is killed and restarted; 0: no limit. */
  readonly startTimeoutMs: number;
  /** The xDS protocol asked of the control plane; its choice (delta) when absent. */
  readonly xdsTransport?: XdsTransport;
  readonly log: DpLog;
}

/** Delta (incremental) xDS, or state of the world. */
export type XdsTransport = 'delta' | 'sotw';

export const BOOTSTRAP_FILE = 'bootstrap.yaml';
/** How long the agent waits on its Envoy's admin API for the control plane (under the control plane's own 10 s). */
const ADMIN_READ_TIMEOUT_MS = 8_000;
/** How long a stopping agent waits for the control plane to confirm it took the proxy out of service. */
const LEAVE_CONFIRM_TIMEOUT_MS = 3_000;
const BOOTSTRAP_RETRY: BackoffPolicy = { initialMs: 500, maxMs: 5_000 };

/** The workdir to use, and whether the agent made it (and so removes it). */
async function prepareWorkdir(workdir: string | undefined): Promise<{ dir: string; owned: boolean }> {
  try {
    if (workdir === undefined) return { dir: await mkdtemp(join(tmpdir(), 'koguma-dp-')), owned: true };
    // Owner-only: the bootstrap written there carries the dataplane token.
    await mkdir(workdir, { recursive: true, mode: 0o700 });
    return { dir: resolve(workdir), owned: false };
  } catch (error) {
    throw new DpError(`cannot create the workdir ${workdir ?? tmpdir()}: ${(error as Error).message}`);
  }
}

/** The validated dataplane file with --admin-port in it, or undefined in indirect mode. */
async function loadDataplane(options: EnvoyRunOptions): Promise<LoadedDataplane | undefined> {
  const file = options.dataplaneFile;
  if (file === undefined) return undefined;
  const loaded = await loadDataplaneFile(file, options.vars, options.identity);
  return options.adminPort === undefined ? loaded : withAdminPort(loaded, options.adminPort, file);
}

function restartPolicy(options: EnvoyRunOptions): RestartPolicy {
  // A run as long as the longest wait counts as stable: the next crash starts the backoff over.
  return {
    initialMs: options.restartBackoffMs,
    maxMs: options.restartBackoffMaxMs,
    stableAfterMs: options.restartBackoffMaxMs,
  };
}

/** Runs until stopped; resolves with the status to exit with. */
export async function runEnvoy(options: EnvoyRunOptions): Promise<number> {
  const { log } = options;
  const stopped = new AbortController();
  let supervisor: Supervisor | undefined;
  let firstSignal: StopSignal | undefined;
  let leaving: AbortController | undefined;
  const unsubscribe = onStopSignals((signal) => {
    if (supervisor === undefined) {
      firstSignal ??= signal;
      stopped.abort();
      return;
    }
    // A second signal stops Envoy at once; the first leaves the mesh and drains first.
    if (leaving !== undefined) {
      leaving.abort();
      return supervisor.stop(signal);
    }
    leaving = new AbortController();
    void leaveThenStop(signal, leaving.signal);
  });
  /** Out of callers' endpoints, then Envoy drains its inbound listeners for the drain time, then it stops. */
  const leaveThenStop = async (signal: StopSignal, abort: AbortSignal): Promise<void> => {
    const running = supervisor!;
    log(
      `${signal} received: leaving the mesh, then draining Envoy for ${options.drainTimeMs / 1000}s before stopping it (a second signal stops it now)`,
    );
    const left = (await adminTunnel?.leave(LEAVE_CONFIRM_TIMEOUT_MS)) ?? false;
    if (!left)
      log("the control plane did not confirm it took this proxy out of its callers' endpoints; draining anyway");
    const refused = await drainInboundListeners(adminAddressPath);
    if (refused !== undefined) log(`Envoy would not drain its inbound listeners: ${refused}`);
    await sleep(options.drainTimeMs, undefined, { signal: abort }).catch(() => undefined);
    if (!abort.aborted) running.stop(signal);
  };
  const stoppedEarly = (): number => {
    const signal = firstSignal ?? 'SIGTERM';
    log(`${signal} received before Envoy started: exiting`);
    return 128 + constants.signals[signal];
  };
  let workdir: { dir: string; owned: boolean } | undefined;
  let adminTunnel: AdminTunnel | undefined;
  let adminAddressPath = '';
  try {
    const dataplane = await loadDataplane(options);
    const { mesh, name } = dataplane ?? identityFromFlags(options.identity);
    const token = await readDataplaneToken(options);
    const binary = findEnvoy(options.envoyPath, process.env['PATH'], options.envoyPathFlag);
    const envoy = await checkEnvoyVersion(binary);
    log(`Envoy ${envoy.version} at ${binary}`);
    workdir = await prepareWorkdir(options.workdir);
    const request: BootstrapRequest = {
      mesh,
      name,
      proxyType: 'dataplane',
      ...(token === undefined ? {} : { dataplaneToken: token }),
      ...(dataplane === undefined ? {} : { dataplaneResource: dataplane.json }),
      ...agentSoftware(envoy),
      workdir: workdir.dir,
      ...(options.adminPort === undefined ? {} : { adminPort: options.adminPort }),
      ...(options.caCert === undefined ? {} : { caCert: options.caCert }),
      ...(options.xdsTransport === undefined ? {} : { xdsTransport: options.xdsTransport }),
    };
    log(
      `dataplane ${mesh}/${name} (${dataplane === undefined ? 'indirect: it must exist in the control plane' : `from ${options.dataplaneFile}`}); ` +
        `fetching the Envoy bootstrap from ${options.cpAddress.url}`,
    );
    let yaml: string;
    try {
      yaml = await fetchBootstrap({
        cpAddress: options.cpAddress,
        request,
        timeoutMs: options.bootstrapTimeoutMs,
        retry: BOOTSTRAP_RETRY,
        log,
        signal: stopped.signal,
      });
    } catch (error) {
      if (!stopped.signal.aborted) throw error;
      return stoppedEarly();
    }
    const bootstrapPath = join(workdir.dir, BOOTSTRAP_FILE);
    await writeFile(bootstrapPath, yaml, { mode: 0o600 });
    log(`bootstrap written to ${bootstrapPath}`);
    if (stopped.signal.aborted) return stoppedEarly();
    const drainTimeMs = options.drainTimeMs;
    adminAddressPath = join(workdir.dir, ADMIN_ADDRESS_FILE);
    adminTunnel = openAdminTunnel({
      cpAddress: options.cpAddress,
      ...(options.caCert === undefined ? {} : { caCert: options.caCert }),
      ...(token === undefined ? {} : { token }),
      nodeId: `${mesh}.${name}`,
      metadata: dataplane === undefined ? {} : { [DATAPLANE_RESOURCE_METADATA]: dataplane.json },
      agentVersion: productVersion,
      read: (request) =>
        readEnvoyAdmin(request, {
          addressFile: adminAddressPath,
          timeoutMs: ADMIN_READ_TIMEOUT_MS,
          limitBytes: ADMIN_ANSWER_LIMIT_BYTES,
          secrets: token === undefined ? [] : [token],
        }),
      log,
    });
    supervisor = supervise({
      name: 'envoy',
      command: binary,
      args: envoyArgs({
        bootstrapPath,
        drainTimeMs,
        adminAddressPath,
        ...(options.envoyLogLevel === undefined ? {} : { logLevel: options.envoyLogLevel }),
        extraArgs: options.extraArgs,
      }),
      env: process.env,
      restart: restartPolicy(options),
      stopTimeoutMs: drainTimeMs + STOP_GRACE_MS,
      ...(options.startTimeoutMs > 0 ? { startCheck: envoyAdminCheck(adminAddressPath, options.startTimeoutMs) } : {}),
      log,
      // The control plane shows why a proxy is offline: Envoy exited and is being restarted, with the reason.
      onState: (state) => adminTunnel?.report(state),
    });
    const status = await supervisor.done;
    log(`exiting with status ${status}`);
    return status;
  } finally {
    adminTunnel?.close();
    unsubscribe();
    if (workdir?.owned) await rm(workdir.dir, { recursive: true, force: true });
  }
}
