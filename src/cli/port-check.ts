/**
 * Whether the ports a control plane is about to listen on are free, checked
 * before it writes anything: a start that cannot listen must leave no data
 * dir, lock or database behind, and must say which setting to change.
 *
 * The check binds each port and lets it go. Another process could take the
 * port between the check and the real bind; the control plane then fails as
 * it binds, and `portInUse` words that failure the same way.
 */
import { createServer } from 'node:net';
import { CliError } from './errors.js';

export interface PortSetting {
  readonly host: string;
  readonly port: number;
  /** The flag and the variable that set it: `--xds-port`, `KOGUMA_XDS_PORT`. */
  readonly flag: string;
  readonly env: string;
  /** What listens there: `the DP server (xDS, /bootstrap)`. */
  readonly purpose: string;
}

/** The error for a port another process holds. */
export function portInUse(setting: PortSetting): CliError {
  return new CliError(
    `port ${setting.port} on ${setting.host} is already in use: ${setting.purpose} cannot listen there`,
    [
      `  choose another port with ${setting.flag} or ${setting.env} (0 picks a free one), or stop the process that holds it`,
    ],
  );
}

/** Resolves with the bind error's code (EADDRINUSE, EACCES...), or undefined when the port was free. */
function tryBind(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'EUNKNOWN'));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** Throws a CliError naming the flag and variable of the first port that cannot be bound. Port 0 always can. */
export async function checkPortsFree(settings: readonly PortSetting[]): Promise<void> {
  for (const setting of settings) {
    if (setting.port === 0) continue;
    const code = await tryBind(setting.host, setting.port);
    if (code === undefined) continue;
    if (code === 'EADDRINUSE') throw portInUse(setting);
    throw new CliError(`${setting.purpose} cannot listen on ${setting.host}:${setting.port} (${code})`, [
      `  choose another port with ${setting.flag} or ${setting.env}, or another address`,
    ]);
  }
}

/** The setting whose port a listen error (EADDRINUSE from the control plane) is about, if any. */
export function settingOf(error: unknown, settings: readonly PortSetting[]): PortSetting | undefined {
  const { code, port } = (error ?? {}) as { code?: unknown; port?: unknown };
  if (code !== 'EADDRINUSE') return undefined;
  return settings.find((setting) => setting.port === port);
}
