/**
 * `koguma cp run`: runs the control plane in this process. Its options come
 * from the settings table of src/cp/config.ts (one flag and one KOGUMA_*
 * variable per setting), so a new setting appears here without an edit.
 * The control plane logs where it listens and which store it uses itself.
 *
 * The settings table and the control plane load only when `cp` is the
 * command (its preSubcommand hook): every other command starts without them.
 */
import { Command, Option } from 'commander';
import type { ControlPlaneConfig } from '../../cp/index.js';
import type { CliContext } from '../context.js';

type SettingOption = { option: Option; key: keyof ControlPlaneConfig };

/** The option of each setting; values stay strings, resolveConfig parses them. */
async function settingOptions(): Promise<SettingOption[]> {
  const { settings } = await import('../../cp/index.js');
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

export function cpCommand(context: CliContext): Command {
  const run = new Command('run').description(
    'Run the control plane: the REST API over the store (flags beat KOGUMA_* variables, which beat defaults)',
  );
  let options: SettingOption[] = [];
  run.action(async (values: Record<string, string | boolean | undefined>) => {
    const flags: Partial<Record<keyof ControlPlaneConfig, string>> = {};
    for (const { option, key } of options) {
      const value = values[option.attributeName()] as string | boolean | undefined;
      if (value !== undefined) flags[key] = String(value);
    }
    const { runControlPlane } = await import('./cp-run-start.js');
    await runControlPlane(flags, context);
  });
  return (
    new Command('cp')
      .description('Control plane')
      .addCommand(run)
      // `koguma cp run --help` shows the options; `koguma cp help run` would skip the hook.
      .helpCommand(false)
      .hook('preSubcommand', async () => {
        options = await settingOptions();
        for (const { option } of options) run.addOption(option);
      })
  );
}
