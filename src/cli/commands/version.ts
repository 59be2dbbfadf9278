/**
 * `koguma version`: this CLI's version and, when it answers, the server's.
 * An unreachable server is reported, not an error: the client version is
 * still useful (and asked for) when the control plane is down.
 */
import { Command } from 'commander';
import type { ApiClient } from '../client.js';
import { clientFor, type CliContext } from '../context.js';
import { productVersion } from '../../api/index.js';
import { CliError } from '../errors.js';

export async function runVersion(client: ApiClient, context: CliContext): Promise<void> {
  context.out(`Koguma ${productVersion}\n`);
  try {
    const index = await client.index();
    context.out(
      `server: ${index.product ?? 'unknown product'} ${index.version ?? 'unknown version'} at ${client.baseUrl}\n`,
    );
  } catch (error) {
    const reason =
      error instanceof CliError ? error.message.replace(/^cannot reach the control plane at \S+: /, '') : String(error);
    context.out(`server: unreachable at ${client.baseUrl} (${reason})\n`);
  }
}

export function versionCommand(context: CliContext): Command {
  return new Command('version')
    .description("Print the CLI's version and the control plane's")
    .action(async (_options: unknown, command: Command) => {
      await runVersion(clientFor(command), context);
    });
}
