/**
 * Envoy's command line, as kuma-dp builds it:
 *
 *   envoy -c <workdir>/bootstrap.yaml --drain-time-s N --disable-hot-restart
 *         [--admin-address-path <workdir>/envoy-admin-address] [--log-level L] [extra...]
 *
 * Hot restart is disabled because it needs a distinct `--base-id` per Envoy
 * on a host (shared memory) and the agent restarts Envoy itself instead.
 * Envoy writes the address its admin API bound to into the admin address
 * file, where the agent finds it (envoy-admin.ts). `extra` are the words
 * after `--` on `koguma dp run`, passed as they are.
 */

export interface EnvoyArgsOptions {
  readonly bootstrapPath: string;
  /** Rounded up to whole seconds, Envoy's unit. */
  readonly drainTimeMs: number;
  readonly adminAddressPath?: string;
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
    ...(options.adminAddressPath === undefined ? [] : ['--admin-address-path', options.adminAddressPath]),
    ...(options.logLevel === undefined ? [] : ['--log-level', options.logLevel]),
    ...(options.extraArgs ?? []),
  ];
}
