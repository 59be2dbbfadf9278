/**
 * A PostgreSQL server of the test's own, to stop and start at will: outage
 * tests must not stop the machine's shared server under other tests' feet.
 * It is the machine's own PostgreSQL (initdb, pg_ctl), in a scratch directory,
 * on a free loopback port, with trust authentication. Run as root, the server
 * runs as the `postgres` user, since PostgreSQL refuses to run as root.
 *
 *   const cluster = await startPostgresCluster();   // initdb + start
 *   await cluster.stop();  await cluster.start();   // an outage
 *   await cluster.destroy();                        // stop + remove
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from './proxyless-processes.js';

const run = promisify(execFile);

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly port: number;
  /** Creates a database of this name and returns its URL. */
  database(name: string): Promise<string>;
  /** Stops the server; `immediate` is a crash (no checkpoint), as a power loss or kill -9 would be. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** The directory of the machine's PostgreSQL server programs, or undefined when there are none. */
export function postgresBinDir(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'pg_ctl'))) return dir;
  } catch {
    // no pg_config on PATH: look where Debian puts the server
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'pg_ctl')));
}

const isRoot = (): boolean => process.getuid?.() === 0;

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('no PostgreSQL server programs (pg_ctl, initdb) on this machine');
  const dir = mkdtempSync(join(tmpdir(), 'koguma-pg-'));
  const dataDir = join(dir, 'data');
  const asServerUser = (program: string, args: string[]): [string, string[]] =>
    isRoot() ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]] : [join(bin, program), args];
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const exec = async (program: string, args: string[]): Promise<void> => {
    const [command, argv] = asServerUser(program, args);
    await run(command, argv, { timeout: 60_000 });
  };
  await exec('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const cluster: PostgresCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async database(name) {
      const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`create database "${name}"`);
      } finally {
        await admin.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    start: () =>
      exec('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']),
    stop: (mode = 'fast') => exec('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']),
    async destroy() {
      await cluster.stop('immediate').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
