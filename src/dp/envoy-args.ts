/**
 * Envoy's command line, as kuma-dp builds it:
 *
 *   envoy -c <workdir>/bootstrap.yaml --drain-time-s N --disable-hot-restart [--log-level L] [extra...]
 *
 * Hot restart is disabled because it needs a distinct `--base-id` per Envoy
 * on a host (shared memory) and the agent restarts Envoy itself instead.
 * `extra` are the words after `--` on `koguma dp run`, passed as they are.
 */

export interface EnvoyArgsOptions {
  readonly bootstrapPath: string;
  /** Rounded up to whole seconds, Envoy's unit. */
  readonly drainTimeMs: number;
  readonly logLevel?: string;
  readonly extraArgs?: readonly string[];
}

export function envoyArgs(options: EnvoyArgsOptions): string[] {
  return [
    '-c',
    options.bootstrapPath,
    '--drain-time-s',
    String(Math.ceil(options.drainTimeMs / 1000)),
    '--disable-hot-restart',
    ...(options.logLevel === undefined ? [] : ['--log-level', options.logLevel]),
    ...(options.extraArgs ?? []),
  ];
}
