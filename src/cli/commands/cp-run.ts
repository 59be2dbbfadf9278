/**
 * `koguma cp run`: runs the control plane in this process. Its options come
 * from the settings table of src/cp/config.ts (one flag and one KOGUMA_*
 * variable per setting), so a new setting appears here without an edit.
 * The control plane logs where it listens and which store it uses itself.
 */
import { Command, Option } from 'commander';
import { isKogumaError } from '../../api/index.js';
// The settings table comes from config.ts itself rather than cp/index.ts: the
// index pulls in the REST server and the stores (~0.1 s), which every other
// command would pay at startup only to build this command's help.
// startControlPlane is loaded when the command actually runs.
import { resolveConfig, settings, startControlPlane, type ControlPlaneConfig } from '../../cp/index.js';
import type { RunningControlPlane } from '../../cp/index.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { createShutdown, type StopSignal } from '../shutdown.js';

type FlagValues = Partial<Record<keyof ControlPlaneConfig, string>>;

/** The option of each setting; values stay strings, resolveConfig parses them. */
function settingOptions(): { option: Option; key: keyof ControlPlaneConfig }[] {
  return settings.map((setting) => {
    const fallback = String(setting.default());
    const help = `${setting.description} (${fallback === '' ? '' : `default: ${fallback}; `}env: ${setting.env})`;
    // No commander default or .env(): resolveConfig applies both, so an error
    // names the flag or variable the bad value really came from. A boolean
    // flag alone means true (`--api-read-only`); `--flag false` turns it off.
    const value = typeof setting.default() === 'boolean' ? '[value]' : '<value>';
    return { option: new Option(`${setting.flag} ${value}`, help), key: setting.key };
  });
}

/** A failure before the control plane runs, as the person running the command should read it. */
function startupError(error: unknown, prefix: string): CliError {
  const message = `${prefix}${error instanceof Error ? error.message : String(error)}`;
  return new CliError(message, isKogumaError(error) ? error.invalidParameters.map((p) => `  ${p.field}: ${p.reason}`) : []);
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
    onSignal: (signal, immediate) => log(immediate ? `${signal} again: exiting without waiting` : `${signal} received: shutting down`),
    onError: (error) => context.err(`Error: shutting down failed: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal: StopSignal) => {
    const handler = () => shutdown.signal(signal);
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  let running: RunningControlPlane;
  try {
    running = await startControlPlane(config);
  } catch (error) {
    for (const remove of handlers) remove();
    throw startupError(error, 'cannot start the control plane: ');
  }
  const { logger, close } = running;
  log = (message) => logger.info(message);
  shutdown.started(close);
}

export function cpCommand(context: CliContext): Command {
  const run = new Command('run').description('Run the control plane: the REST API over the store (flags beat KOGUMA_* variables, which beat defaults)');
  const options = settingOptions();
  for (const { option } of options) run.addOption(option);
  run.action(async (values: Record<string, string | boolean | undefined>) => {
    const flags: FlagValues = {};
    for (const { option, key } of options) {
      const value = values[option.attributeName()] as string | boolean | undefined;
      if (value !== undefined) flags[key] = String(value);
    }
    await runControlPlane(flags, context);
  });
  return new Command('cp').description('Control plane').addCommand(run);
}
