/**
 * An exclusive claim on a data directory: `<dataDir>/koguma.lock`, holding the
 * owner's pid. An embedded database file set must have one writer; two control
 * planes on one data dir would corrupt it, so the second one is refused with
 * the holder's pid. A lock whose process is gone (a crash, a kill -9) is stale
 * and taken over.
 *
 * This process's own pid in a lock file counts as held only if this process
 * took the lock (`heldHere`): a control plane restarted in a container is often
 * pid 1 again, and must not mistake the lock of its previous life for a live
 * one. Pids only mean something within one pid namespace (one host or one
 * container), which is where one data dir is meant to be used.
 *
 * The lock is written to a private file first and then hard-linked into place:
 * `link` fails if the name exists, so taking the lock is atomic and the lock file
 * is never seen empty. Taking over a stale lock is not atomic: two processes
 * taking over the same stale lock at the same instant could both succeed. That
 * needs a crash followed by two simultaneous starts, and is accepted.
 */
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KogumaError } from '../../api/index.js';
import type { StoreLogger } from '../logger.js';

export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

const lockFileName = 'koguma.lock';

/** Lock files this process holds or is taking (absolute paths). */
const heldHere = new Set<string>();

const errorCode = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/**
 * Whether another process holding the lock still runs (EPERM from kill: it
 * exists, owned by someone else). Our own pid in the file, when this process
 * does not hold the lock, is a previous life's.
 */
function isLive(holder: number): boolean {
  if (holder === process.pid) return false;
  try {
    process.kill(holder, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

async function holderOf(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

const inUse = (dataDir: string, path: string, holder: number): KogumaError =>
  new KogumaError(
    'Unavailable',
    `data dir ${dataDir} is in use by process ${holder} (lock file ${path}): ` +
      'two control planes cannot share one data dir. Stop that process, or remove the lock file if it is not Koguma.',
  );

/** Takes the lock of an existing directory, or throws KogumaError('Unavailable') naming the holder. */
export async function lockDataDir(dataDir: string, logger: StoreLogger): Promise<DataDirLock> {
  const path = resolve(join(dataDir, lockFileName));
  // Checked and claimed before the first await, so two stores of this process
  // racing for one data dir cannot both get past it.
  if (heldHere.has(path)) throw inUse(dataDir, path, process.pid);
  heldHere.add(path);
  try {
    await takeLockFile(path, dataDir, logger);
  } catch (error) {
    heldHere.delete(path);
    throw error;
  }
  return { path, release: () => releaseLock(path) };
}

async function takeLockFile(path: string, dataDir: string, logger: StoreLogger): Promise<void> {
  const draft = `${path}.${process.pid}`;
  // Owner-only, like everything in the data dir.
  await writeFile(draft, `${process.pid}\n`, { mode: 0o600 });
  try {
    // Two rounds: the second follows the removal of a stale lock.
    for (let round = 0; round < 2; round++) {
      try {
        await link(draft, path);
        return;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const holder = await holderOf(path);
      if (holder !== undefined && isLive(holder)) throw inUse(dataDir, path, holder);
      logger.warn({ path, pid: holder }, 'taking over a stale data dir lock');
      await rm(path, { force: true });
    }
    throw new KogumaError('Unavailable', `could not take the lock ${path}: another process keeps taking it`);
  } finally {
    await rm(draft, { force: true });
  }
}

/** Removes the lock if it is still ours (a lock taken over from us is left to its new owner). */
async function releaseLock(path: string): Promise<void> {
  if (!heldHere.delete(path)) return;
  if ((await holderOf(path)) === process.pid) await rm(path, { force: true });
}
