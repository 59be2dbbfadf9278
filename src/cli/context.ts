/**
 * What a command needs from the outside world, passed in rather than reached
 * for, so commands stay small and the same code runs in tests and in `main`.
 */
import type { Command } from 'commander';
import { ApiClient } from './client.js';

export interface CliContext {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly now: () => Date;
}

/** A client for the `--api-url` in effect for this command (flag, KOGUMA_API_URL, or the default). */
export function clientFor(command: Command): ApiClient {
  const { apiUrl } = command.optsWithGlobals<{ apiUrl: string }>();
  return new ApiClient(apiUrl);
}
