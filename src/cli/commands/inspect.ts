/**
 * `koguma inspect dataplane NAME [-m MESH] [--type config|overview] [-o yaml|json]`:
 * what the control plane serves a proxy right now (`_config`: every xDS
 * resource as Envoy JSON) or its connection status (`_overview`: connected,
 * per type the versions sent and acknowledged, the last rejection).
 */
import { Command, Option } from 'commander';
import { DataplaneKind } from '../../api/index.js';
import type { ApiClient } from '../client.js';
import { clientFor, type CliContext } from '../context.js';
import { ApiError } from '../errors.js';
import { renderJson, renderYaml } from '../output.js';
import { itemPath } from '../paths.js';
import { missingResource } from './missing.js';

export const INSPECT_TYPES = ['config', 'overview'] as const;
export type InspectType = (typeof INSPECT_TYPES)[number];

export async function runInspectDataplane(
  client: ApiClient,
  name: string,
  options: { mesh: string; type: InspectType; output: 'yaml' | 'json' },
  context: CliContext,
): Promise<void> {
  const path = `${itemPath(DataplaneKind, options.mesh, name)}/_${options.type}`;
  let answer: Record<string, unknown>;
  try {
    answer = await client.get(path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw await missingResource(client, DataplaneKind, options.mesh, name);
    throw error;
  }
  context.out(options.output === 'json' ? renderJson(answer) : renderYaml([answer]));
}

export function inspectCommand(context: CliContext): Command {
  const inspect = new Command('inspect').description('Show what the control plane knows about a proxy');
  inspect
    .command('dataplane')
    .description('Show the xDS configuration served to a dataplane now, or its connection status')
    .argument('<name>', 'name of the dataplane')
    .option('-m, --mesh <mesh>', 'mesh of the dataplane', 'default')
    .addOption(new Option('--type <type>', 'what to show').choices(INSPECT_TYPES).default('config'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .action(async (name: string, options: { mesh: string; type: InspectType; output: 'yaml' | 'json' }, command: Command) => {
      await runInspectDataplane(clientFor(command), name, options, context);
    });
  return inspect;
}
