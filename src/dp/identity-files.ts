/**
 * Where `koguma dp run --proxyless` keeps the application's mTLS material: the
 * workload certificate (with its chain), its key and the mesh's trusted roots,
 * the three files the gRPC bootstrap's `file_watcher` certificate provider
 * names. The directory is the agent's own (0700), the files 0600.
 *
 * Each file is replaced atomically (written beside, then renamed), so the
 * application never reads half a file; the certificate and key are renamed
 * back to back, so a reader sees a mismatched pair for microseconds at most.
 */
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateFiles } from '../xds/bootstrap/index.js';

export interface IdentityFiles extends CertificateFiles {
  readonly dir: string;
}

/** How often the application re-reads the files: renewals reach it within this. */
export const CERTIFICATE_REFRESH_INTERVAL = '1s';

export function identityFilesIn(dir: string): IdentityFiles {
  return {
    dir,
    certificateFile: join(dir, 'cert.pem'),
    privateKeyFile: join(dir, 'key.pem'),
    caCertificateFile: join(dir, 'ca.pem'),
    refreshInterval: CERTIFICATE_REFRESH_INTERVAL,
  };
}

export async function prepareIdentityDir(files: IdentityFiles): Promise<void> {
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  await chmod(files.dir, 0o700);
}

let sequence = 0;

async function staged(path: string, content: string): Promise<string> {
  const temporary = `${path}.${process.pid}.${++sequence}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  return temporary;
}

/** Replaces the certificate and key together. */
export async function writeIdentity(files: IdentityFiles, certChainPem: string, keyPem: string): Promise<void> {
  const [cert, key] = await Promise.all([
    staged(files.certificateFile, certChainPem),
    staged(files.privateKeyFile, keyPem),
  ]);
  await rename(key, files.privateKeyFile);
  await rename(cert, files.certificateFile);
}

export async function writeTrust(files: IdentityFiles, rootsPem: string): Promise<void> {
  await rename(await staged(files.caCertificateFile, rootsPem), files.caCertificateFile);
}
