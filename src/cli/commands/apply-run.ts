/**
 * What `koguma apply` does (apply.ts defines the command): validate every
 * document against the resource model, read the current state, then write.
 * A module of its own because the resource model is heavy to load, and only
 * this command needs it.
 */
import { MeshKind } from '../../api/index.js';
import { kindRegistry } from '../../cp/catalogue.js';
import type { ApiClient } from '../client.js';
import type { CliContext } from '../context.js';
import { actionFor, type ApplyAction } from '../diff.js';
import { loadDocuments } from '../documents.js';
import { ApiError, CliError } from '../errors.js';
import { itemPath, resourceLabel } from '../paths.js';
import { applyOrder, validateAll, type PlannedDocument } from '../plan.js';

export interface ApplyOptions {
  readonly file: readonly string[];
  readonly dryRun: boolean;
}

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
      problems.push(
        `${planned.at} ${planned.kind.name} ${planned.name}: mesh: mesh ${JSON.stringify(planned.mesh)} does not exist`,
      );
      continue;
    }
    // In a mesh this apply creates, nothing can exist yet.
    const current = exists ? await client.find(path) : undefined;
    steps.push({ planned, action: actionFor(planned.kind, planned.document, current) });
  }
  if (problems.length > 0)
    throw new CliError(`${plural(problems.length, 'document')} cannot be applied; nothing was applied`, problems);
  return steps;
}

export async function runApply(client: ApiClient, options: ApplyOptions, context: CliContext): Promise<void> {
  const documents = await loadDocuments(options.file, context.readStdin);
  const { valid, problems } = validateAll(kindRegistry, documents);
  if (problems.length > 0)
    throw new CliError(`${plural(problems.length, 'problem')} in the documents; nothing was applied`, problems);
  const steps = await readCurrent(client, applyOrder(valid));

  if (options.dryRun) {
    for (const { planned, action } of steps)
      context.out(`${resourceLabel(planned.kind, planned.name)} ${action} (dry run)\n`);
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
      const note =
        written > 0
          ? [`(${plural(written, 'earlier document')} of this apply ${written === 1 ? 'was' : 'were'} written)`]
          : [];
      throw new CliError(`${planned.at} ${label}: ${error.message}`, [...error.details, ...note]);
    }
    written++;
    // The server's answer, not the plan, says what happened: someone may have written in between.
    context.out(`${label} ${result.created ? 'created' : 'updated'}\n`);
    for (const warning of result.warnings) context.err(`Warning: ${label}: ${warning}\n`);
  }
}
