/**
 * The error for a 404 on one resource. The server answers 404 both when the
 * resource is missing and when its mesh is; one more read tells the two apart,
 * so the message points at what the person actually has to fix.
 */
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';
import { kindCatalogue, type CliKind } from '../kind-catalogue.js';
import { itemPath, notFoundMessage } from '../paths.js';

export async function missingResource(client: ApiClient, kind: CliKind, mesh: string, name: string): Promise<CliError> {
  if (kind.scope === 'Mesh' && (await client.find(itemPath(kindCatalogue().resolve('Mesh')!, '', mesh))) === undefined)
    return new CliError(`Mesh ${JSON.stringify(mesh)} not found`);
  return new CliError(notFoundMessage(kind, mesh, name));
}
