/**
 * What `koguma cp run` does (cp-run.ts defines the command). Before the
 * control plane starts, in this order: the ports are checked (a start that
 * cannot listen writes nothing), the umask becomes 077 and the data dir is
 * made owner-only (it holds keys and tokens), and the embedded database starts
 * opening in its own thread while the rest of the control plane loads.
 */
import type { Logger } from 'pino';
import { resolveConfig, startControlPlane, type ControlPlaneConfig, type RunningControlPlane } from '../../cp/index.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { tightenTree } from '../owner-only.js';
import { checkPortsFree, portInUse, settingOf, type PortSetting } from '../port-check.js';
import { createShutdown, type StopSignal } from '../shutdown.js';

export type FlagValues = Partial<Record<keyof ControlPlaneConfig, string>>;

/** A failure before the control plane runs, as the person running the command should read it. */
function startupError(error: unknown, prefix: string): CliError {
  const message = `${prefix}${error instanceof Error ? error.message : String(error)}`;
  // A KogumaError (InvalidInput) lists the bad settings.
  const invalid =
    (error as { invalidParameters?: readonly { field: string; reason: string }[] } | null)?.invalidParameters ?? [];
  return new CliError(
    message,
    invalid.map((p) => `  ${p.field}: ${p.reason}`),
  );
}

/** The two ports `cp run` listens on, with the settings that choose them. */
const portSettings = (config: ControlPlaneConfig): PortSetting[] => [
  {
    host: config.apiAddress,
    port: config.apiPort,
    flag: '--api-port',
    env: 'KOGUMA_API_PORT',
    purpose: 'the REST API',
  },
  {
    host: config.xdsAddress,
    port: config.xdsPort,
    flag: '--xds-port',
    env: 'KOGUMA_XDS_PORT',
    purpose: 'the DP server (xDS, /bootstrap)',
  },
];

/** Makes the data dir owner-only, and says so when something was open. */
function tightenDataDir(dataDir: string, logger: Logger): void {
  const { files, dirs, failed } = tightenTree(dataDir);
  if (files + dirs > 0) {
    logger.warn(
      { dataDir, files, dirs },
      `made ${files} files and ${dirs} directories under ${dataDir} owner-only (they were open to group or others; the data dir holds keys and tokens)`,
    );
  }
  if (failed.length > 0)
    logger.error(
      { dataDir, failed },
      `could not make ${failed.length} entries under ${dataDir} owner-only: ${failed.join('; ')}`,
    );
}

/**
 * The embedded database starts in a thread of its own (src/store/sql/pglite-driver.ts);
 * asked for now, it opens while the control plane loads its modules.
 */
async function prepareStore(config: ControlPlaneConfig): Promise<void> {
  if (config.store !== 'pglite') return;
  const { preparePgliteDataDir } = await import('../../store/sql/pglite-driver.js');
  preparePgliteDataDir(config.dataDir);
}

export async function runControlPlane(flags: FlagValues, context: CliContext): Promise<void> {
  let config: ControlPlaneConfig;
  try {
    config = resolveConfig(flags, process.env);
  } catch (error) {
    throw startupError(error, '');
  }
  let log: (message: string) => void = (message) => context.err(`${message}\n`);
  const shutdown = createShutdown({
    exit: (code) => process.exit(code),
    onSignal: (signal, immediate) =>
      log(immediate ? `${signal} again: exiting without waiting` : `${signal} received: shutting down`),
    onError: (error) =>
      context.err(`Error: shutting down failed: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal: StopSignal) => {
    const handler = () => shutdown.signal(signal);
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  const ports = portSettings(config);
  let running: RunningControlPlane;
  try {
    await checkPortsFree(ports);
    // Everything this process writes (database, keys, tokens, certificates) is for its owner only.
    process.umask(0o077);
    // pino (and pino-pretty for text) load only for this command.
    const { controlPlaneLogger } = await import('../cp-logger.js');
    const logger = await controlPlaneLogger(config);
    tightenDataDir(config.dataDir, logger);
    await prepareStore(config);
    running = await startControlPlane(config, { logger });
  } catch (error) {
    for (const remove of handlers) remove();
    if (error instanceof CliError) throw error;
    const port = settingOf(error, ports);
    throw port === undefined ? startupError(error, 'cannot start the control plane: ') : portInUse(port);
  }
  const { logger, close } = running;
  log = (message) => logger.info(message);
  shutdown.started(close);
}
