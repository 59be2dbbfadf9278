/**
 * `koguma revoke dataplane-token --mesh M (--id JTI | --token T | --token-file F)`:
 * adds the token's id to the mesh's revocation list, the Secret
 * `dataplane-token-revocations-<mesh>` (Kuma's way, so applying that Secret by
 * hand does the same), through `POST /tokens/dataplane/revocations`, which
 * writes it with conflict detection: concurrent revocations never lose one.
 * With the token itself, its id is read from it.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { ApiClient } from '../client.js';
import { clientFor, type CliContext } from '../context.js';
import { CliError } from '../errors.js';

export interface RevokeOptions {
  readonly mesh: string;
  readonly id?: string;
  readonly token?: string;
  readonly tokenFile?: string;
}

async function tokenIdOf(options: RevokeOptions): Promise<string> {
  const given = [options.id, options.token, options.tokenFile].filter((value) => value !== undefined);
  if (given.length !== 1) throw new CliError('give exactly one of --id, --token or --token-file');
  if (options.id !== undefined) {
    const id = options.id.trim();
    if (id === '' || id.includes(','))
      throw new CliError(`--id "${options.id}" is not a token id: it must be non-empty and contain no comma`);
    return id;
  }
  let token = options.token ?? '';
  if (options.tokenFile !== undefined) {
    try {
      token = await readFile(options.tokenFile, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read the token file ${options.tokenFile}: ${(error as Error).message}`);
    }
  }
  const { decodeJwt } = await import('jose');
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token.trim());
  } catch {
    throw new CliError(`${options.tokenFile ?? '--token'} is not a dataplane token (not a JWT)`);
  }
  const { jti, Mesh: mesh } = claims;
  if (typeof jti !== 'string' || jti === '')
    throw new CliError(`${options.tokenFile ?? '--token'} has no token id (jti)`);
  if (mesh !== options.mesh)
    throw new CliError(
      `the token is for mesh ${JSON.stringify(mesh)}, not ${JSON.stringify(options.mesh)}: pass --mesh ${String(mesh)}`,
    );
  return jti;
}

export async function runRevokeDataplaneToken(
  client: ApiClient,
  options: RevokeOptions,
  context: CliContext,
): Promise<void> {
  const id = await tokenIdOf(options);
  await client.post('/tokens/dataplane/revocations', { mesh: options.mesh, id });
  context.out(
    `dataplane token ${id} revoked in mesh "${options.mesh}": it is refused from now on, and streams opened with it end within seconds\n`,
  );
}

export function revokeCommand(context: CliContext): Command {
  const dataplaneToken = new Command('dataplane-token')
    .description('Revoke a dataplane token by its id, or by the token itself (needs an admin)')
    .option('-m, --mesh <mesh>', 'mesh of the token', 'default')
    .option('--id <jti>', 'the token id (its jti claim)')
    .option('--token <token>', 'the token itself')
    .option('--token-file <path>', 'a file holding the token')
    .action(async (options: RevokeOptions, command: Command) =>
      runRevokeDataplaneToken(clientFor(command), options, context),
    );
  return new Command('revoke').description('Revoke credentials').addCommand(dataplaneToken);
}
