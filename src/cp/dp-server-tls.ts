/**
 * The DP server's TLS certificate: the pair `--tls-cert-file`/`--tls-key-file`
 * name, or one generated on first start and kept under the data directory:
 *
 *   <data-dir>/tls/            0700
 *     ca.crt     ca.key        0600  the CA data planes trust: koguma dp run --ca-cert-file <data-dir>/tls/ca.crt
 *     server.crt server.key    0600  signed by it, naming localhost, 127.0.0.1, ::1, the host name and --xds-address
 *
 * Later starts reuse the files. The server certificate is issued again when it
 * expires within 30 days, no longer names every address, or does not belong to
 * its key or its CA. The CA is never replaced on its own: every data plane
 * holds a copy, so a CA that is missing or broken stops the start with what to do.
 *
 * Instances sharing a data directory (tests, a restart racing its predecessor)
 * take a lock file while they read and write, so none reads half of a pair.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KogumaError } from '../api/index.js';
import { generateServerCa, issueServerCertificate, loadCa } from '../mtls/index.js';

const DAY_MS = 86_400_000;
const CA_LIFETIME_MS = 10 * 365 * DAY_MS;
const SERVER_LIFETIME_MS = 365 * DAY_MS;
/** Issue the server certificate again when it has less than this left. */
export const SERVER_RENEW_BEFORE_MS = 30 * DAY_MS;
const LOCK_WAIT_MS = 10_000;
/** A lock older than this was left behind, whoever holds its pid now. */
const LOCK_STALE_MS = 30_000;

export const TLS_DIR = 'tls';
export const TLS_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
} as const;

export interface DpServerTlsLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface DpServerTlsOptions {
  readonly dataDir: string;
  /** Both or neither: the certificate (chain) and key to serve instead of generated ones. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** The DP server's address, named by the generated certificate unless it is a wildcard. */
  readonly xdsAddress: string;
  readonly log: DpServerTlsLog;
  readonly now?: Date;
}

export interface DpServerTls {
  /** PEM, possibly a chain. */
  readonly cert: string;
  readonly key: string;
  readonly notAfter: Date;
  /** The CA that signs a generated certificate: the file and its text. Absent for given files. */
  readonly ca?: { readonly file: string; readonly pem: string };
}

/** What a generated certificate names: loopback, this host, and the configured address. */
export function serverNames(xdsAddress: string, host = hostname()): string[] {
  const wildcard = xdsAddress === '0.0.0.0' || xdsAddress === '::';
  return [
    ...new Set(
      ['localhost', '127.0.0.1', '::1', host, ...(wildcard ? [] : [xdsAddress])].filter((name) => name !== ''),
    ),
  ];
}

export async function loadDpServerTls(options: DpServerTlsOptions): Promise<DpServerTls> {
  if (options.certFile !== undefined && options.keyFile !== undefined)
    return loadGivenFiles(options.certFile, options.keyFile, options);
  return loadGenerated(options);
}

// ── given files ─────────────────────────────────────────────────────────────

async function readGiven(flag: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw given(flag, file, `cannot be read: ${(error as Error).message}`);
  }
}

const given = (flag: string, file: string, reason: string): KogumaError =>
  new KogumaError('InvalidInput', 'the DP server TLS certificate cannot be used', [
    { field: flag, reason: `${file} ${reason}` },
  ]);

async function loadGivenFiles(certFile: string, keyFile: string, options: DpServerTlsOptions): Promise<DpServerTls> {
  const [cert, key] = [await readGiven('--tls-cert-file', certFile), await readGiven('--tls-key-file', keyFile)];
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw given('--tls-cert-file', certFile, 'holds no PEM certificate');
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch {
    throw given('--tls-key-file', keyFile, 'holds no unencrypted PEM private key');
  }
  if (!certificate.checkPrivateKey(keyObject))
    throw given('--tls-key-file', keyFile, `does not match the certificate in ${certFile}`);
  const now = (options.now ?? new Date()).getTime();
  const notAfter = new Date(certificate.validTo);
  if (notAfter.getTime() <= now) throw given('--tls-cert-file', certFile, `expired at ${notAfter.toISOString()}`);
  if (notAfter.getTime() - now < SERVER_RENEW_BEFORE_MS)
    options.log.warn(`the DP server certificate ${certFile} expires at ${notAfter.toISOString()}; replace it`);
  return { cert, key, notAfter };
}

// ── generated files ─────────────────────────────────────────────────────────

/** A failure of the TLS directory, with what the operator can do about it. */
function directoryError(dir: string, what: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(
    `cannot use the DP server TLS directory ${dir}: ${what}: ${reason} ` +
      '(fix its permissions, choose another --data-dir, or give --tls-cert-file and --tls-key-file)',
  );
}

async function readIfPresent(dir: string, name: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw directoryError(dir, `cannot read ${name}`, error);
  }
}

/** Written beside the target and renamed over it, so a crash never leaves half a file. */
async function writePrivateFile(dir: string, name: string, text: string): Promise<void> {
  const temporary = join(dir, `.${name}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, join(dir, name));
  } catch (error) {
    throw directoryError(dir, `cannot write ${name}`, error);
  }
}

/** Whether the process that wrote a lock file is gone (the file holds its pid). */
async function lockIsStale(path: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    if (Date.now() - info.mtimeMs > LOCK_STALE_MS) return true;
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // ESRCH: no such process. ENOENT: released meanwhile; trying again is right either way.
    return (error as NodeJS.ErrnoException).code === 'ESRCH' || (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

async function withLock<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const path = join(dir, '.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw directoryError(dir, 'cannot create its lock file .lock', error);
      if (await lockIsStale(path)) await unlink(path).catch(() => undefined);
      else if (Date.now() > deadline)
        throw new Error(
          `${path} has been held for over ${LOCK_WAIT_MS / 1000} s by another control plane; remove it if none is starting`,
          { cause: error },
        );
      else await sleep(25);
    }
  }
  try {
    return await body();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

/** Why the stored server certificate cannot be served again, or undefined when it can. */
export function reasonToReissue(
  certPem: string | undefined,
  keyPem: string | undefined,
  ca: X509Certificate,
  names: readonly string[],
  now: number,
): string | undefined {
  if (certPem === undefined || keyPem === undefined) return 'there is none yet';
  let cert: X509Certificate;
  let key: KeyObject;
  try {
    cert = new X509Certificate(certPem);
    key = createPrivateKey(keyPem);
  } catch {
    return `${TLS_FILES.serverCert} or ${TLS_FILES.serverKey} does not parse`;
  }
  if (!cert.checkPrivateKey(key)) return `${TLS_FILES.serverKey} does not match ${TLS_FILES.serverCert}`;
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return `it was not signed by ${TLS_FILES.caCert}`;
  const notAfter = Date.parse(cert.validTo);
  if (notAfter - now < SERVER_RENEW_BEFORE_MS) return `it expires at ${new Date(notAfter).toISOString()}`;
  const missing = names.filter((name) => (isIP(name) ? cert.checkIP(name) : cert.checkHost(name)) === undefined);
  if (missing.length > 0) return `it does not name ${missing.join(', ')}`;
  return undefined;
}

async function loadGenerated(options: DpServerTlsOptions): Promise<DpServerTls> {
  const dir = join(options.dataDir, TLS_DIR);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode applies only to a directory it creates.
    await chmod(dir, 0o700);
  } catch (error) {
    throw directoryError(dir, 'cannot create it', error);
  }
  return withLock(dir, async () => {
    const ca = await ensureCa(dir, options);
    const names = serverNames(options.xdsAddress);
    const now = (options.now ?? new Date()).getTime();
    const cert = await readIfPresent(dir, TLS_FILES.serverCert);
    const key = await readIfPresent(dir, TLS_FILES.serverKey);
    const served = (certPem: string, keyPem: string): DpServerTls => ({
      cert: certPem,
      key: keyPem,
      notAfter: new Date(new X509Certificate(certPem).validTo),
      ca: { file: join(dir, TLS_FILES.caCert), pem: ca.certPem },
    });
    const reason = reasonToReissue(cert, key, new X509Certificate(ca.certPem), names, now);
    if (reason === undefined && cert !== undefined && key !== undefined) return served(cert, key);
    const issued = await issueServerCertificate(await loadCa(ca.certPem, ca.keyPem), {
      names,
      lifetimeMs: SERVER_LIFETIME_MS,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    await writePrivateFile(dir, TLS_FILES.serverKey, issued.keyPem);
    await writePrivateFile(dir, TLS_FILES.serverCert, issued.certPem);
    options.log.info(
      `issued the DP server certificate ${join(dir, TLS_FILES.serverCert)} (${reason ?? 'none stored'}), ` +
        `valid until ${issued.notAfter.toISOString()}, for ${names.join(', ')}`,
    );
    return served(issued.certPem, issued.keyPem);
  });
}

/** The stored CA, or a new one when there is none at all. */
async function ensureCa(dir: string, options: DpServerTlsOptions): Promise<{ certPem: string; keyPem: string }> {
  const certPem = await readIfPresent(dir, TLS_FILES.caCert);
  const keyPem = await readIfPresent(dir, TLS_FILES.caKey);
  const replace = `remove ${dir} to generate a new CA (every data plane's --ca-cert-file must then be the new ${TLS_FILES.caCert})`;
  if (certPem === undefined && keyPem === undefined) {
    const ca = await generateServerCa({
      commonName: `koguma control plane CA (${hostname()})`,
      lifetimeMs: CA_LIFETIME_MS,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    await writePrivateFile(dir, TLS_FILES.caKey, ca.keyPem);
    await writePrivateFile(dir, TLS_FILES.caCert, ca.certPem);
    options.log.info(
      `generated the DP server CA ${join(dir, TLS_FILES.caCert)}; data planes trust it with --ca-cert-file`,
    );
    return ca;
  }
  if (certPem === undefined || keyPem === undefined) {
    const [present, absent] =
      certPem === undefined ? [TLS_FILES.caKey, TLS_FILES.caCert] : [TLS_FILES.caCert, TLS_FILES.caKey];
    throw new Error(
      `the DP server CA in ${dir} is incomplete: ${present} is there but ${absent} is not; restore it, or ${replace}`,
    );
  }
  try {
    const ca = await loadCa(certPem, keyPem);
    const now = (options.now ?? new Date()).getTime();
    if (ca.certificate.notAfter.getTime() <= now)
      throw new Error(`it expired at ${ca.certificate.notAfter.toISOString()}`);
    if (ca.certificate.notAfter.getTime() - now < SERVER_RENEW_BEFORE_MS)
      options.log.warn(
        `the DP server CA ${join(dir, TLS_FILES.caCert)} expires at ${ca.certificate.notAfter.toISOString()}; ${replace}`,
      );
  } catch (error) {
    throw new Error(`the DP server CA in ${dir} cannot be used: ${(error as Error).message}; ${replace}`, {
      cause: error,
    });
  }
  return { certPem, keyPem };
}

// ── renewal while running ───────────────────────────────────────────────────

/**
 * Loads the certificate again every `intervalMs` (a day by default) and hands
 * it to `apply` when it changed: a generated one renewed as it nears its end,
 * or given files replaced on disk (by cert-manager, by hand). Connections made
 * afterwards get the new certificate; open ones keep theirs. Returns `stop`.
 */
export function keepDpServerTlsFresh(
  options: DpServerTlsOptions,
  current: DpServerTls,
  apply: (tls: DpServerTls) => void,
  onError: (error: unknown) => void,
  intervalMs = DAY_MS,
): () => void {
  let served = current;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    loadDpServerTls(options)
      .then((next) => {
        if (next.cert === served.cert && next.key === served.key) return;
        served = next;
        apply(next);
        options.log.info(`the DP server now serves a new certificate, valid until ${next.notAfter.toISOString()}`);
      })
      .catch(onError)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
