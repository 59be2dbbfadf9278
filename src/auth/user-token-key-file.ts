/**
 * The global user-token signing key and the initial admin token, kept as files
 * in the control plane's data dir until Koguma has a global Secret kind:
 *
 *   <dir>/user-token-signing-key.pem   PKCS#8 PEM, mode 0600
 *   <dir>/admin-token                  a user token of mesh-system:admin, mode 0600,
 *                                      for the operator to read once and use
 *
 * Files are published atomically and exclusively: written in full under a
 * temporary name, then hard-linked to the final name. A link, unlike a rename,
 * fails when the name exists, so two instances starting on one data dir cannot
 * replace each other's key; the loser reads the winner's file.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isKogumaError } from '../api/index.js';
import { generateSigningKeyPem, signingKeyFromPem, type SigningKey } from './signing-key.js';
import { ADMIN_GROUP, issueUserToken, verifyUserToken } from './user-token.js';

export const USER_TOKEN_KEY_FILE = 'user-token-signing-key.pem';
export const ADMIN_TOKEN_FILE = 'admin-token';
export const ADMIN_USER = 'mesh-system:admin';
/** The initial admin token's lifetime: a year, after which a start writes a new one. */
export const ADMIN_TOKEN_VALID_FOR_MS = 365 * 24 * 60 * 60 * 1000;

/** The user-token signing key in `dir`, created on first use. */
export async function loadOrCreateUserTokenKey(dir: string): Promise<SigningKey> {
  const path = join(dir, USER_TOKEN_KEY_FILE);
  const pem = (await readIfExists(path)) ?? (await publishOnce(path, generateSigningKeyPem()));
  return signingKeyFromPem(pem, `the user-token signing key ${path}`);
}

export interface AdminTokenOptions {
  readonly validForMs?: number;
  readonly now?: Date;
}

/**
 * The admin token in `dir`, written when there is none yet. A token that no
 * longer verifies (expired, or the key file was replaced) is replaced too, so
 * the file always holds a token that works.
 */
export async function ensureAdminToken(dir: string, options: AdminTokenOptions = {}): Promise<string> {
  const key = await loadOrCreateUserTokenKey(dir);
  const path = join(dir, ADMIN_TOKEN_FILE);
  const now = options.now ? { now: options.now } : {};
  const existing = (await readIfExists(path))?.trim();
  if (existing !== undefined) {
    if (await stillValid(existing, key, options.now)) return existing;
    await unlink(path).catch(ignoreMissing);
  }
  const token = await issueUserToken(key, {
    name: ADMIN_USER,
    groups: [ADMIN_GROUP],
    validForMs: options.validForMs ?? ADMIN_TOKEN_VALID_FOR_MS,
    ...now,
  });
  return (await publishOnce(path, `${token}\n`)).trim();
}

async function stillValid(token: string, key: SigningKey, now: Date | undefined): Promise<boolean> {
  try {
    await verifyUserToken(token, key, now ? { now } : {});
    return true;
  } catch (error) {
    if (isKogumaError(error, 'Unauthenticated')) return false;
    throw error;
  }
}

/** Writes `content` to `path` unless it exists; returns what `path` holds afterwards. */
async function publishOnce(path: string, content: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomUUID()}.tmp`;
  // mode applies on creation only, so the secret is never readable by others, not even briefly.
  await writeFile(temporary, content, { mode: 0o600, flag: 'wx', flush: true });
  try {
    await link(temporary, path);
    return content;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return await readFile(path, 'utf8');
  } finally {
    await unlink(temporary).catch(ignoreMissing);
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
