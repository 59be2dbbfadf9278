/**
 * `koguma get <kind> [NAME]`: one resource or a list, as a table, YAML or JSON.
 * Lists are read to the end, page after page, so what is printed is complete.
 */
import { Command, Option } from 'commander';
import type { ApiClient } from '../client.js';
import { clientFor, type CliContext } from '../context.js';
import { ApiError, CliError } from '../errors.js';
import { collect, hasFilters, listQuery, type ListFilters } from '../filters.js';
import { kindCatalogue, type CliKind } from '../kind-catalogue.js';
import { kindSpellings, resolveKind, wrapList } from '../kinds.js';
import { missingResource } from './missing.js';
import { itemPath, listPath } from '../paths.js';
import { OUTPUT_FORMATS, renderList, renderOne, type OutputFormat } from '../output.js';

export interface GetOptions {
  readonly mesh: string;
  readonly allMeshes: boolean;
  readonly output: OutputFormat;
  readonly label?: string[];
  readonly tag?: string[];
  readonly nameContains?: string;
}

/** Where a list of this kind was looked for, for the "nothing found" note. */
function listScope(kind: CliKind, mesh: string | undefined): string {
  if (kind.scope === 'Global') return '';
  return mesh === undefined ? ' in any mesh' : ` in mesh ${JSON.stringify(mesh)}`;
}

async function getOne(
  client: ApiClient,
  kind: CliKind,
  name: string,
  options: GetOptions,
  context: CliContext,
): Promise<void> {
  let document;
  try {
    document = await client.get(itemPath(kind, options.mesh, name));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404)
      throw await missingResource(client, kind, options.mesh, name);
    throw error;
  }
  context.out(renderOne(kind, document, options.output, context.now()));
}

async function getList(
  client: ApiClient,
  kind: CliKind,
  filters: ListFilters,
  options: GetOptions,
  context: CliContext,
): Promise<void> {
  const mesh = kind.scope === 'Mesh' && !options.allMeshes ? options.mesh : undefined;
  let list;
  try {
    list = await client.listAll(listPath(kind, mesh), listQuery(filters));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && mesh !== undefined)
      throw new CliError(`Mesh ${JSON.stringify(mesh)} not found`);
    throw error;
  }
  if (list.items.length === 0 && options.output === 'table') {
    context.err(`No ${kind.plural} found${listScope(kind, mesh)}.\n`);
    return;
  }
  context.out(renderList(kind, list.items, options.output, context.now()));
}

export async function runGet(
  client: ApiClient,
  kindName: string,
  name: string | undefined,
  options: GetOptions,
  context: CliContext,
): Promise<void> {
  const kind = resolveKind(kindCatalogue(), kindName);
  const filters: ListFilters = {
    labels: options.label ?? [],
    tags: options.tag ?? [],
    ...(options.nameContains !== undefined ? { nameContains: options.nameContains } : {}),
  };
  if (filters.tags.length > 0 && kind.indexTags === undefined)
    throw new CliError(`--tag filters ${kind.plural} by tag, which ${kind.plural} do not have`);
  if (name === undefined) return getList(client, kind, filters, options, context);
  if (options.allMeshes) throw new CliError('a resource cannot be fetched by name across all meshes; use --mesh');
  if (hasFilters(filters))
    throw new CliError('--label, --tag and --name-contains filter lists; they cannot be used with a NAME');
  return getOne(client, kind, name, options, context);
}

export function getCommand(context: CliContext): Command {
  return new Command('get')
    .description('Show one resource or a list of resources')
    .argument('<kind>', 'kind of resource: plural, singular or short name (e.g. dataplanes, meshtimeout, mt)')
    .argument('[name]', 'name of one resource; without it, every resource of the kind is listed')
    .option('-m, --mesh <mesh>', 'mesh of mesh-scoped kinds', 'default')
    .option('-A, --all-meshes', 'list mesh-scoped resources across every mesh', false)
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .addOption(new Option('--label <key=value>', 'only resources with this label; repeatable').argParser(collect))
    .option('--name-contains <text>', 'only resources whose name contains this text')
    .addOption(
      new Option('--tag <key:value>', 'dataplanes only: with this inbound or gateway tag; repeatable').argParser(
        collect,
      ),
    )
    .addHelpText(
      'after',
      `
Kinds (plural, short name; the singular works too):
${wrapList(kindSpellings(kindCatalogue()), 80, '  ')}

Examples:
  koguma get meshes
  koguma get dataplanes -m default --tag kuma.io/service:web
  koguma get mt -A
  koguma get meshtimeout timeout-all -m default -o yaml`,
    )
    .action(async (kindName: string, name: string | undefined, options: GetOptions, command: Command) => {
      await runGet(clientFor(command), kindName, name, options, context);
    });
}
