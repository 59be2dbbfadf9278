/** `koguma delete <kind> NAME [-m MESH]`: removes one resource (a mesh takes everything in it along). */
import { Command } from 'commander';
import type { ApiClient } from '../client.js';
import { clientFor, type CliContext } from '../context.js';
import { ApiError } from '../errors.js';
import { kindCatalogue } from '../kind-catalogue.js';
import { resolveKind } from '../kinds.js';
import { missingResource } from './missing.js';
import { itemPath, resourceLabel } from '../paths.js';

export async function runDelete(
  client: ApiClient,
  kindName: string,
  name: string,
  mesh: string,
  context: CliContext,
): Promise<void> {
  const kind = resolveKind(kindCatalogue(), kindName);
  try {
    await client.delete(itemPath(kind, mesh, name));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw await missingResource(client, kind, mesh, name);
    throw error;
  }
  context.out(`${resourceLabel(kind, name)} deleted\n`);
}

export function deleteCommand(context: CliContext): Command {
  return new Command('delete')
    .description('Delete a resource; deleting a mesh deletes every resource in it')
    .argument('<kind>', 'kind of resource: plural, singular or short name')
    .argument('<name>', 'name of the resource')
    .option('-m, --mesh <mesh>', 'mesh of mesh-scoped kinds', 'default')
    .action(async (kindName: string, name: string, options: { mesh: string }, command: Command) => {
      await runDelete(clientFor(command), kindName, name, options.mesh, context);
    });
}
