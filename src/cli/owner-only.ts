/**
 * Owner-only access to a folder of secrets. The control plane's data dir holds
 * the embedded database (whose write-ahead log carries mesh CA keys and token
 * signing keys), the user-token signing key, the admin token and the DP
 * server's key: nobody but its owner may read or write any of it.
 *
 * `koguma cp run` and `koguma dp run` run with umask 077, so what they create
 * is owner-only from the start; `tightenTree` mends what an earlier version,
 * another tool or a hand-made copy left open, at start.
 */
import { chmodSync, lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** Files and directories whose group and other permission bits were removed. */
export interface Tightened {
  readonly files: number;
  readonly dirs: number;
  /** Paths that stayed open because chmod failed (another owner), with the reason. */
  readonly failed: readonly string[];
}

const openToOthers = 0o077;

/** The mode without group and other bits: 0755 → 0700, 0666 → 0600. */
export const ownerOnlyMode = (mode: number): number => mode & 0o7777 & ~openToOthers;

/** lstat, or undefined for a path that is gone (a file another process just removed). */
function statsOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A directory's entries, or none for a directory that is gone. */
function namesIn(path: string): string[] {
  try {
    return readdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Removes group and other permission bits from `root` and everything under
 * it (symbolic links are not followed). A missing `root` is nothing to do.
 * Synchronous: a thousand entries take tens of milliseconds, once, at start.
 */
export function tightenTree(root: string): Tightened {
  let files = 0;
  let dirs = 0;
  const failed: string[] = [];
  const visit = (path: string, stats: Stats): void => {
    if (stats.isSymbolicLink()) return;
    if ((stats.mode & openToOthers) !== 0) {
      try {
        chmodSync(path, ownerOnlyMode(stats.mode));
        if (stats.isDirectory()) dirs++;
        else files++;
      } catch (error) {
        failed.push(`${path}: ${(error as Error).message}`);
      }
    }
    if (!stats.isDirectory()) return;
    for (const name of namesIn(path)) {
      const child = join(path, name);
      const childStats = statsOf(child);
      if (childStats !== undefined) visit(child, childStats);
    }
  };
  const rootStats = statsOf(root);
  if (rootStats !== undefined) visit(root, rootStats);
  return { files, dirs, failed };
}
