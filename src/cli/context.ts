/**
 * What a command needs from the outside world, passed in rather than reached
 * for, so commands stay small and the same code runs in tests and in `main`.
 */
import type { Command } from 'commander';
import { readCliConfig, cliConfigPath } from './cli-config.js';
import { ApiClient } from './client.js';

export interface CliContext {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly now: () => Date;
}

/**
 * A client for the control plane in effect for this command: `--api-url` or
 * KOGUMA_API_URL, else the CLI configuration file (koguma config set-api),
 * else the default. The token is `--api-token` or KOGUMA_API_TOKEN, else the
 * file's, but the file's token only ever goes to the file's URL: pointing the
 * CLI at another server must not hand that server our credential.
 */
export function clientFor(command: Command): ApiClient {
  const { apiUrl, apiToken } = command.optsWithGlobals<{ apiUrl: string; apiToken?: string }>();
  const file = readCliConfig(cliConfigPath());
  const source = command.getOptionValueSourceWithGlobals('apiUrl');
  const url = (source === 'default' || source === undefined) && file.apiUrl !== undefined ? file.apiUrl : apiUrl;
  const fileToken = file.token !== undefined && sameApi(url, file.apiUrl ?? DEFAULT_API_URL) ? file.token : undefined;
  const token = apiToken ?? fileToken;
  return new ApiClient(url, token === undefined || token === '' ? {} : { token });
}

export const DEFAULT_API_URL = 'http://127.0.0.1:5681';

const sameApi = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
