/**
 * Dataplane tokens from the CLI.
 *
 *   koguma generate dataplane-token [--mesh M] [--name N] [--tag k=v[,v2] ...] [--type dataplane] [--valid-for 24h]
 *       POST /tokens/dataplane; prints the token (only it, so `> token` captures it)
 *   koguma generate signing-key
 *       prints a new signing key as the base64 `data` of a Secret, for rotating
 *       a mesh's key (docs/security.md)
 *
 * Tags repeat or list values with commas: `--tag kuma.io/service=web,web-admin`
 * allows either value.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ApiClient } from '../client.js';
import { clientFor, type CliContext } from '../context.js';

export interface DataplaneTokenOptions {
  readonly mesh: string;
  readonly name?: string;
  readonly tag?: Record<string, string[]>;
  readonly type: string;
  readonly validFor: string;
}

/** commander argParser for `--tag key=value[,value...]`, merging repeats of one key. */
export function collectTag(raw: string, previous: Record<string, string[]> = {}): Record<string, string[]> {
  const equals = raw.indexOf('=');
  const key = equals > 0 ? raw.slice(0, equals).trim() : '';
  const values =
    equals > 0
      ? raw
          .slice(equals + 1)
          .split(',')
          .map((value) => value.trim())
      : [];
  if (key === '' || values.length === 0 || values.some((value) => value === '')) {
    throw new InvalidArgumentError(`"${raw}" is not key=value (values separated by commas)`);
  }
  const merged = [...(previous[key] ?? []), ...values.filter((value) => !(previous[key] ?? []).includes(value))];
  return { ...previous, [key]: merged };
}

export async function runGenerateDataplaneToken(
  client: ApiClient,
  options: DataplaneTokenOptions,
  context: CliContext,
): Promise<void> {
  const token = await client.postForText('/tokens/dataplane', {
    mesh: options.mesh,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.tag === undefined ? {} : { tags: options.tag }),
    type: options.type,
    validFor: options.validFor,
  });
  context.out(`${token.trim()}\n`);
}

export function dataplaneTokenCommand(context: CliContext): Command {
  return new Command('dataplane-token')
    .description('Ask the control plane for a dataplane token (needs an admin: a local client, or --api-token)')
    .option('-m, --mesh <mesh>', 'mesh of the dataplane', 'default')
    .option('--name <name>', 'the one dataplane the token is for (default: any dataplane of the mesh)')
    .addOption(
      new Option(
        '--tag <key=value>',
        'a tag value the dataplane may have, repeatable; key=v1,v2 allows either',
      ).argParser(collectTag),
    )
    .option('--type <type>', 'proxy type: dataplane, ingress or egress', 'dataplane')
    .option(
      '--valid-for <duration>',
      'lifetime of the token, e.g. 24h or 8760h; a proxy needs a valid token each time it connects',
      '24h',
    )
    .action(async (options: DataplaneTokenOptions, command: Command) =>
      runGenerateDataplaneToken(clientFor(command), options, context),
    );
}

export function signingKeyCommand(context: CliContext): Command {
  return new Command('signing-key')
    .description(
      'Print a new token signing key (ECDSA P-256, base64 PEM) for a Secret dataplane-token-signing-key-<mesh>-<serial>',
    )
    .action(async () => {
      const { generateSigningKeyPem } = await import('../../auth/index.js');
      context.out(`${Buffer.from(generateSigningKeyPem()).toString('base64')}\n`);
    });
}
