/**
 * The template of an empty PGlite database: the cluster `initdb` makes, kept as
 * an uncompressed tarball beside this module (40 MB, most of it one WAL
 * segment; reading it costs less than inflating a compressed one). `initdb` costs 4 to 10 s of WASM on every new
 * database; unpacking the same files costs a fraction of a second. The build
 * makes the template once (scripts/pglite-template.mjs, PGlite's own
 * `dumpDataDir`), and a new data dir starts from a copy of it.
 *
 * The template is made by the PGlite version it is used with: its manifest
 * names that version, and a template from another one is ignored (the
 * database is then created by `initdb`, as without a template). It holds no
 * Koguma schema: the migrations run on it like on any new database.
 *
 * A data dir's copy is unpacked beside `pgdata` and renamed into place, so a
 * start interrupted half-way never leaves a `pgdata` that looks complete.
 * Every file is written owner-only (0600, directories 0700): the cluster will
 * hold the mesh CA and signing keys.
 */
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

const templateFile = fileURLToPath(new URL('./pglite-template.tar', import.meta.url));
const manifestFile = fileURLToPath(new URL('./pglite-template.json', import.meta.url));

interface Manifest {
  readonly pglite: string;
}

/** The version of the installed PGlite package. */
function installedPgliteVersion(): string {
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  // The entry point is <package>/dist/index.js.
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function readManifest(): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** The template's path when there is one for the installed PGlite, else undefined. */
export function usableTemplate(): string | undefined {
  const manifest = readManifest();
  if (manifest === undefined || !existsSync(templateFile)) return undefined;
  return manifest.pglite === installedPgliteVersion() ? templateFile : undefined;
}

/**
 * Makes the template unless one for the installed PGlite exists. Resolves
 * with what it did, for the build's output.
 */
export async function ensureTemplate(): Promise<'made' | 'kept'> {
  if (usableTemplate() !== undefined) return 'kept';
  const db = await PGlite.create();
  try {
    const dump = await db.dumpDataDir('none');
    // Written aside and renamed: an interrupted build never leaves a truncated template under the real name.
    const partial = `${templateFile}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, templateFile);
  } finally {
    await db.close();
  }
  await writeFile(manifestFile, `${JSON.stringify({ pglite: installedPgliteVersion() } satisfies Manifest)}\n`);
  return 'made';
}

/** The entries of a directory, or undefined when it does not exist. */
function entriesOf(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Unpacks the template as `pgdata` when `pgdata` does not exist or is empty;
 * leaves a non-empty one alone. Returns whether it unpacked. Synchronous: it
 * runs in the database's own thread (pglite-thread.ts), where nothing else
 * waits, and a thousand small files are written several times faster so.
 */
export function unpackTemplate(template: string, pgdata: string): boolean {
  const entries = entriesOf(pgdata);
  if (entries !== undefined && entries.length > 0) return false;
  const partial = `${pgdata}.partial-${randomUUID()}`;
  try {
    mkdirSync(partial, { mode: 0o700 });
    extractTar(readFileSync(template), partial);
    if (entries !== undefined) rmdirSync(pgdata);
    renameSync(partial, pgdata);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return true;
}

const blockSize = 512;

/** A NUL-terminated ASCII field of a tar header. */
function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

/**
 * Writes the files and directories of a ustar archive under `root`, owner-only.
 * Only what PGlite's dumps hold is understood (regular files and
 * directories); anything else, or a name leaving `root`, is an error: the
 * archive is our own build output, so a surprise means it is not.
 */
function extractTar(tar: Buffer, root: string): void {
  const made = new Set<string>([root]);
  const makeDir = (dir: string): void => {
    if (made.has(dir)) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    made.add(dir);
  };
  for (let offset = 0; offset + blockSize <= tar.length;) {
    const header = tar.subarray(offset, offset + blockSize);
    if (header.every((byte) => byte === 0)) break;
    const name = [field(header, 345, 155), field(header, 0, 100)].filter((part) => part !== '').join('/');
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = field(header, 156, 1) || '0';
    const relative = normalize(name.replace(/^\/+/, ''));
    if (relative === '..' || relative.startsWith(`..${sep}`) || !Number.isSafeInteger(size)) {
      throw new Error(`the PGlite template holds an unexpected entry ${JSON.stringify(name)}`);
    }
    const target = join(root, relative);
    const body = offset + blockSize;
    if (type === '5') {
      makeDir(target);
    } else if (type === '0') {
      makeDir(dirname(target));
      writeFileSync(target, tar.subarray(body, body + size), { mode: 0o600 });
    } else {
      throw new Error(`the PGlite template holds an entry of type ${JSON.stringify(type)} (${name})`);
    }
    offset = body + Math.ceil(size / blockSize) * blockSize;
  }
}
