/**
 * `koguma apply -f FILE|DIR|- [--dry-run]`: create or update resources from
 * documents, kubectl style.
 *
 *   parse every source ─► validate every document (shared schemas) ─► read the
 *   current state of each ─► PUT what changed, meshes first ─► one line each:
 *   `meshtimeout "t1" created | updated | unchanged`
 *
 * Any parse or validation problem, or a missing mesh, stops the command before
 * the first write. A server error mid-way stops it too; what was already
 * written stays, as with kubectl.
 */
import { Command, Option } from 'commander';
import { clientFor, type CliContext } from '../context.js';
import { collect } from '../filters.js';
import type { ApplyOptions } from './apply-run.js';

export function applyCommand(context: CliContext): Command {
  return new Command('apply')
    .description('Create or update resources from YAML or JSON documents (Kuma format)')
    .addOption(
      new Option(
        '-f, --file <path>',
        'a file, a directory (its *.yaml, *.yml and *.json files), or - for stdin; repeatable',
      )
        .argParser(collect)
        .makeOptionMandatory(),
    )
    .option('--dry-run', 'validate and compare with the control plane, but write nothing', false)
    .addHelpText(
      'after',
      `
Every document is validated before anything is written; one invalid document
means nothing is applied. Meshes are applied before the resources in them.

Examples:
  koguma apply -f mesh.yaml
  koguma apply -f policies/ --dry-run
  cat dp.yaml | koguma apply -f -`,
    )
    .action(async (options: ApplyOptions, command: Command) => {
      const { runApply } = await import('./apply-run.js');
      await runApply(clientFor(command), options, context);
    });
}
