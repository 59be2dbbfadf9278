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
import { kindRegistry, MeshKind } from '../../api/index.js';
import type { ApiClient } from '../client.js';
import { clientFor, type CliContext } from '../context.js';
import { actionFor, type ApplyAction } from '../diff.js';
import { loadDocuments } from '../documents.js';
import { ApiError, CliError } from '../errors.js';
import { collect } from '../filters.js';
import { itemPath, resourceLabel } from '../paths.js';
import { applyOrder, validateAll, type PlannedDocument } from '../plan.js';

interface Step {
  readonly planned: PlannedDocument;
  readonly action: ApplyAction;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Reads the current state of every document; fails when a document's mesh exists nowhere. */
async function readCurrent(client: ApiClient, ordered: readonly PlannedDocument[]): Promise<Step[]> {
  const meshesApplied = new Set(ordered.filter((d) => d.kind.name === 'Mesh').map((d) => d.name));
  const meshExists = new Map<string, boolean>();
  const steps: Step[] = [];
  const problems: string[] = [];
  for (const planned of ordered) {
    const path = itemPath(planned.kind, planned.mesh, planned.name);
    if (planned.kind.scope === 'Global') {
      const current = await client.find(path);
      if (planned.kind.name === 'Mesh') meshExists.set(planned.name, current !== undefined);
      steps.push({ planned, action: actionFor(planned.kind, planned.document, current) });
      continue;
    }
    let exists = meshExists.get(planned.mesh);
    if (exists === undefined) {
      exists = (await client.find(itemPath(MeshKind, '', planned.mesh))) !== undefined;
      meshExists.set(planned.mesh, exists);
    }
    if (!exists && !meshesApplied.has(planned.mesh)) {
      problems.push(`${planned.at} ${planned.kind.name} ${planned.name}: mesh: mesh ${JSON.stringify(planned.mesh)} does not exist`);
      continue;
    }
    // In a mesh this apply creates, nothing can exist yet.
    const current = exists ? await client.find(path) : undefined;
    steps.push({ planned, action: actionFor(planned.kind, planned.document, current) });
  }
  if (problems.length > 0) throw new CliError(`${plural(problems.length, 'document')} cannot be applied; nothing was applied`, problems);
  return steps;
}

export interface ApplyOptions {
  readonly file: readonly string[];
  readonly dryRun: boolean;
}

export async function runApply(client: ApiClient, options: ApplyOptions, context: CliContext): Promise<void> {
  const documents = await loadDocuments(options.file, context.readStdin);
  const { valid, problems } = validateAll(kindRegistry, documents);
  if (problems.length > 0) throw new CliError(`${plural(problems.length, 'problem')} in the documents; nothing was applied`, problems);
  const steps = await readCurrent(client, applyOrder(valid));

  if (options.dryRun) {
    for (const { planned, action } of steps) context.out(`${resourceLabel(planned.kind, planned.name)} ${action} (dry run)\n`);
    return;
  }
  let written = 0;
  for (const { planned, action } of steps) {
    const label = resourceLabel(planned.kind, planned.name);
    if (action === 'unchanged') {
      context.out(`${label} unchanged\n`);
      continue;
    }
    let result;
    try {
      result = await client.put(itemPath(planned.kind, planned.mesh, planned.name), planned.document);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const note = written > 0 ? [`(${plural(written, 'earlier document')} of this apply ${written === 1 ? 'was' : 'were'} written)`] : [];
      throw new CliError(`${planned.at} ${label}: ${error.message}`, [...error.details, ...note]);
    }
    written++;
    // The server's answer, not the plan, says what happened: someone may have written in between.
    context.out(`${label} ${result.created ? 'created' : 'updated'}\n`);
    for (const warning of result.warnings) context.err(`Warning: ${label}: ${warning}\n`);
  }
}

export function applyCommand(context: CliContext): Command {
  return new Command('apply')
    .description('Create or update resources from YAML or JSON documents (Kuma format)')
    .addOption(
      new Option('-f, --file <path>', 'a file, a directory (its *.yaml, *.yml and *.json files), or - for stdin; repeatable')
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
      await runApply(clientFor(command), options, context);
    });
}
