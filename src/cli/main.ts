#!/usr/bin/env node
/**
 * The `koguma` command: program wiring only. Each verb lives in commands/;
 * errors they throw are printed here, once, in one format.
 *
 *   koguma [--api-url URL] [--api-token T] apply | get | delete | version | cp run | dp run
 *          | generate grpc-bootstrap|dataplane-token|signing-key | inspect dataplane | revoke dataplane-token | config set-api|view
 */
import { Command, Option } from 'commander';
import { applyCommand } from './commands/apply.js';
import { cpCommand } from './commands/cp-run.js';
import { deleteCommand } from './commands/delete.js';
import { dpCommand } from './commands/dp-run.js';
import { generateCommand } from './commands/generate.js';
import { getCommand } from './commands/get.js';
import { inspectCommand } from './commands/inspect.js';
import { versionCommand } from './commands/version.js';
import { configCommand } from './commands/config.js';
import { revokeCommand } from './commands/revoke.js';
// Not cp/index.js: its settings table loads the resource model's primitives (TypeBox).
import { productVersion } from '../api/index.js';
import { DEFAULT_API_URL, type CliContext } from './context.js';
import { errorLines } from './errors.js';

// `koguma get ... | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const context: CliContext = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readStdin: async () => (await import('./documents.js')).readAllStdin(),
  now: () => new Date(),
};

const program = new Command('koguma')
  .description('Koguma: a Kuma-compatible service mesh control plane, and the CLI to its REST API')
  // The same line as `koguma version` prints for the CLI.
  .version(`Koguma ${productVersion}`, '-V, --version', "print the CLI's version")
  .addOption(
    new Option('--api-url <url>', 'URL of the control plane REST API')
      .env('KOGUMA_API_URL')
      .default(DEFAULT_API_URL, `the one \`koguma config set-api\` stored, else ${DEFAULT_API_URL}`),
  )
  .addOption(
    new Option(
      '--api-token <token>',
      'user token for the REST API (default: the one `koguma config set-api` stored)',
    ).env('KOGUMA_API_TOKEN'),
  )
  .addCommand(applyCommand(context))
  .addCommand(getCommand(context))
  .addCommand(deleteCommand(context))
  .addCommand(versionCommand(context))
  .addCommand(cpCommand(context));
program.addCommand(dpCommand(context));
program.addCommand(generateCommand(context));
program.addCommand(inspectCommand(context));
program.addCommand(revokeCommand(context));
program.addCommand(configCommand(context));

// Subcommands added with addCommand() do not inherit this setting; give it to all of them.
const everyCommand = (command: Command): Command[] => [command, ...command.commands.flatMap(everyCommand)];
for (const command of everyCommand(program)) command.showHelpAfterError('(add --help for usage)');

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`${errorLines(error).join('\n')}\n`);
  // exitCode rather than exit(): stdout piped to another program is flushed first.
  process.exitCode = (error as { exitCode?: number }).exitCode ?? 1;
}
