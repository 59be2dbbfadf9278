/**
 * `koguma config`: the CLI's own settings file (cli-config.ts).
 *
 *   koguma config set-api --url URL [--token T | --token-file F]
 *   koguma config view
 *
 * `set-api` replaces both settings: a token is tied to the control plane it
 * came from, so changing the URL without giving a token drops the old one
 * rather than sending it to a different server.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { cliConfigPath, maskToken, readCliConfig, writeCliConfig } from '../cli-config.js';
import { ApiClient } from '../client.js';
import { DEFAULT_API_URL, type CliContext } from '../context.js';
import { CliError } from '../errors.js';

interface SetApiOptions {
  readonly url: string;
  readonly token?: string;
  readonly tokenFile?: string;
}

async function tokenOf(options: SetApiOptions): Promise<string | undefined> {
  if (options.token !== undefined && options.tokenFile !== undefined)
    throw new CliError('give --token or --token-file, not both');
  let token = options.token;
  if (options.tokenFile !== undefined) {
    try {
      token = await readFile(options.tokenFile, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read the token file ${options.tokenFile}: ${(error as Error).message}`);
    }
  }
  token = token?.trim();
  if (token === undefined) return undefined;
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
    throw new CliError(
      `${options.tokenFile ?? '--token'} does not hold a token: a token is one line of letters, digits and - . _ ~ + /`,
    );
  }
  return token;
}

export async function runSetApi(options: SetApiOptions, context: CliContext): Promise<void> {
  const url = new ApiClient(options.url).baseUrl; // refuses what is not an http(s) URL
  const token = await tokenOf(options);
  const path = cliConfigPath();
  await writeCliConfig(path, { apiUrl: url, ...(token === undefined ? {} : { token }) });
  context.out(`${path}: control plane ${url}, ${token === undefined ? 'no token' : 'with a token'}\n`);
}

export function runView(context: CliContext): void {
  const path = cliConfigPath();
  const config = readCliConfig(path);
  context.out(`file: ${path}${config.apiUrl === undefined && config.token === undefined ? ' (nothing set)' : ''}\n`);
  context.out(`apiUrl: ${config.apiUrl ?? `not set (${DEFAULT_API_URL} is used)`}\n`);
  context.out(`token: ${config.token === undefined ? 'not set' : maskToken(config.token)}\n`);
}

export function configCommand(context: CliContext): Command {
  const setApi = new Command('set-api')
    .description(
      'Store the control plane URL (and the token to present) that every command uses unless --api-url/--api-token say otherwise',
    )
    .requiredOption('--url <url>', 'URL of the control plane REST API, e.g. http://cp.example:5681')
    .option('--token <token>', 'user token to send (e.g. the admin token)')
    .option('--token-file <path>', 'file holding the token, e.g. <data-dir>/admin-token of the control plane')
    .action(async (options: SetApiOptions) => runSetApi(options, context));
  const view = new Command('view')
    .description('Show the CLI configuration; the token is shown masked')
    .action(() => runView(context));
  return new Command('config')
    .description(`The CLI's configuration file ($KOGUMA_CONFIG, default ~/.koguma/config.yaml, mode 0600)`)
    .addCommand(setApi)
    .addCommand(view);
}
