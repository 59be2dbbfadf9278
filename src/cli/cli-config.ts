/**
 * The CLI's own configuration file: which control plane to talk to and the
 * token to present, so they need not be given on every command.
 *
 *   $KOGUMA_CONFIG, or ~/.koguma/config.yaml
 *     apiUrl: http://cp.example:5681
 *     token: eyJ...        (a user token; an admin token can change everything)
 *
 * The token is a credential: the file is written with mode 0600 (its
 * directory 0700 when created here), replaced atomically so a crash never
 * leaves half a file, and readable by its owner only even if it existed with
 * looser permissions before.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './errors.js';
import { yaml } from './lazy-yaml.js';

export interface CliConfig {
  readonly apiUrl?: string;
  readonly token?: string;
}

export const CONFIG_ENV = 'KOGUMA_CONFIG';

export function cliConfigPath(env: Readonly<NodeJS.ProcessEnv> = process.env): string {
  const fromEnv = env[CONFIG_ENV];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(homedir(), '.koguma', 'config.yaml');
}

/** The file's settings; none when it does not exist. Synchronous: read once while a command starts. */
export function readCliConfig(path: string): CliConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read the CLI configuration ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = yaml().parse(text);
  } catch (error) {
    throw new CliError(`the CLI configuration ${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new CliError(`the CLI configuration ${path} must be a YAML mapping`);
  const { apiUrl, token, ...unknown } = parsed as Record<string, unknown>;
  const problems = [
    ...Object.keys(unknown).map((key) => `  ${key}: unknown field`),
    ...(apiUrl === undefined || typeof apiUrl === 'string' ? [] : ['  apiUrl: must be a string']),
    ...(token === undefined || typeof token === 'string' ? [] : ['  token: must be a string']),
  ];
  if (problems.length > 0)
    throw new CliError(
      `the CLI configuration ${path} is not valid (fix it, or write it again with koguma config set-api)`,
      problems,
    );
  return {
    ...(apiUrl === undefined ? {} : { apiUrl: apiUrl as string }),
    ...(token === undefined ? {} : { token: token as string }),
  };
}

export async function writeCliConfig(path: string, config: CliConfig): Promise<void> {
  const dir = dirname(path);
  const temporary = join(dir, `.${randomUUID()}.tmp`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Created 0600, so the token is never readable by others, not even for a moment.
    await writeFile(temporary, yaml().stringify(config), { mode: 0o600, flag: 'wx' });
    await rename(temporary, path);
    await chmod(path, 0o600);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CliError(`cannot write the CLI configuration ${path}: ${(error as Error).message}`);
  }
}

/** A token as `config view` shows it: enough to tell tokens apart, not enough to use one. */
export function maskToken(token: string): string {
  if (token.length <= 12) return `<hidden, ${token.length} characters>`;
  return `${token.slice(0, 4)}…${token.slice(-4)} (hidden, ${token.length} characters)`;
}
