import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isKogumaError } from '../api/errors.js';
import { generateServerCa, issueServerCertificate, loadCa } from '../mtls/index.js';
import {
  keepDpServerTlsFresh,
  loadDpServerTls,
  serverNames,
  TLS_DIR,
  TLS_FILES,
  type DpServerTlsOptions,
} from './dp-server-tls.js';

const DAY_MS = 86_400_000;
const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-dp-tls-'));
  dirs.push(dir);
  return dir;
}

function logLines() {
  const lines: string[] = [];
  return {
    lines,
    log: { info: (line: string) => lines.push(`info: ${line}`), warn: (line: string) => lines.push(`warn: ${line}`) },
  };
}

const options = (dataDir: string, extra: Partial<DpServerTlsOptions> = {}): DpServerTlsOptions => ({
  dataDir,
  xdsAddress: '127.0.0.1',
  log: logLines().log,
  ...extra,
});
const read = (dataDir: string, name: string) => readFile(join(dataDir, TLS_DIR, name), 'utf8');
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

test('the first start generates a CA and a server certificate it signs, private to the owner; later starts reuse both', async () => {
  const dataDir = await scratch();
  const { lines, log } = logLines();
  const first = await loadDpServerTls(options(dataDir, { log }));
  assert.equal(first.ca?.file, join(dataDir, TLS_DIR, TLS_FILES.caCert));
  assert.equal(first.ca?.pem, await read(dataDir, TLS_FILES.caCert));
  assert.equal(first.cert, await read(dataDir, TLS_FILES.serverCert));
  assert.equal(first.key, await read(dataDir, TLS_FILES.serverKey));
  const cert = new X509Certificate(first.cert);
  assert.ok(cert.checkIssued(new X509Certificate(first.ca?.pem ?? '')));
  for (const name of ['localhost', '127.0.0.1', '::1'])
    assert.ok(name.includes('.') || name.includes(':') ? cert.checkIP(name) : cert.checkHost(name), name);
  assert.equal(await modeOf(join(dataDir, TLS_DIR)), 0o700);
  for (const file of Object.values(TLS_FILES)) assert.equal(await modeOf(join(dataDir, TLS_DIR, file)), 0o600, file);
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[0] ?? '', /^info: generated the DP server CA .*ca\.crt/);

  const again = await loadDpServerTls(options(dataDir));
  assert.deepEqual(again, first);
});

test('the server certificate, not the CA, is issued again when it expires within 30 days', async () => {
  const dataDir = await scratch();
  const first = await loadDpServerTls(options(dataDir));
  const { lines, log } = logLines();
  const later = await loadDpServerTls(options(dataDir, { log, now: new Date(first.notAfter.getTime() - 29 * DAY_MS) }));
  assert.equal(later.ca?.pem, first.ca?.pem);
  assert.notEqual(later.cert, first.cert);
  assert.ok(later.notAfter > first.notAfter);
  assert.match(lines.join('\n'), /issued the DP server certificate .* \(it expires at /);

  const notYet = await loadDpServerTls(options(dataDir, { now: new Date(later.notAfter.getTime() - 31 * DAY_MS) }));
  assert.equal(notYet.cert, later.cert, 'a month and a day left: kept');
});

test('the server certificate is issued again for a new --xds-address, and when its key is damaged', async () => {
  const dataDir = await scratch();
  const first = await loadDpServerTls(options(dataDir));
  const { lines, log } = logLines();
  const moved = await loadDpServerTls(options(dataDir, { xdsAddress: 'cp.example.internal', log }));
  assert.notEqual(moved.cert, first.cert);
  assert.ok(new X509Certificate(moved.cert).checkHost('cp.example.internal'));
  assert.match(lines.join('\n'), /\(it does not name cp\.example\.internal\)/);

  await writeFile(join(dataDir, TLS_DIR, TLS_FILES.serverKey), 'not a key');
  const repaired = await loadDpServerTls(options(dataDir, { xdsAddress: 'cp.example.internal' }));
  assert.notEqual(repaired.cert, moved.cert);
  assert.equal(repaired.ca?.pem, first.ca?.pem);
});

test('a CA with a missing or broken half stops the start, naming the file and what to do; it is never replaced', async () => {
  const dataDir = await scratch();
  const first = await loadDpServerTls(options(dataDir));
  const dir = join(dataDir, TLS_DIR);
  await unlink(join(dir, TLS_FILES.caKey));
  await assert.rejects(loadDpServerTls(options(dataDir)), {
    message: `the DP server CA in ${dir} is incomplete: ca.crt is there but ca.key is not; restore it, or remove ${dir} to generate a new CA (every data plane's --ca-cert-file must then be the new ca.crt)`,
  });
  await writeFile(join(dir, TLS_FILES.caKey), 'garbage');
  await assert.rejects(
    loadDpServerTls(options(dataDir)),
    /^Error: the DP server CA in .* cannot be used: the CA cannot be loaded: the key is not a PEM private key/,
  );
  assert.equal(await read(dataDir, TLS_FILES.caCert), first.ca?.pem);
});

test('a data directory that cannot hold the TLS directory is an error naming it', async () => {
  const dataDir = await scratch();
  await writeFile(join(dataDir, TLS_DIR), 'a file where the directory should be');
  await assert.rejects(loadDpServerTls(options(dataDir)), (error: Error) => {
    assert.match(
      error.message,
      new RegExp(
        `^cannot use the DP server TLS directory ${join(dataDir, TLS_DIR)}: cannot create it: .*--tls-cert-file and --tls-key-file\\)$`,
      ),
    );
    return true;
  });
});

test('control planes starting together on one data directory end with one CA and one server certificate', async () => {
  const dataDir = await scratch();
  const results = await Promise.all([1, 2, 3, 4].map(() => loadDpServerTls(options(dataDir))));
  assert.equal(new Set(results.map((r) => r.ca?.pem)).size, 1);
  assert.equal(new Set(results.map((r) => r.cert)).size, 1);
  assert.equal(results[0]?.cert, await read(dataDir, TLS_FILES.serverCert));
});

async function givenPair(dir: string, lifetimeMs = 90 * DAY_MS, now?: Date) {
  const caPem = await generateServerCa({ commonName: 'ops CA', lifetimeMs: 365 * DAY_MS, ...(now ? { now } : {}) });
  const pair = await issueServerCertificate(await loadCa(caPem.certPem, caPem.keyPem), {
    names: ['cp.example'],
    lifetimeMs,
    ...(now ? { now } : {}),
  });
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server-key.pem');
  await writeFile(certFile, pair.certPem);
  await writeFile(keyFile, pair.keyPem);
  return { certFile, keyFile, pair };
}

/** The reason of the one invalid parameter of a KogumaError, as `field: reason`. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (!isKogumaError(error)) throw error;
    return error.invalidParameters.map((p) => `${p.field}: ${p.reason}`).join('\n');
  }
  throw new Error('expected a refusal');
}

test('--tls-cert-file and --tls-key-file are served as given, and nothing is generated', async () => {
  const dataDir = await scratch();
  const { certFile, keyFile, pair } = await givenPair(dataDir);
  const tls = await loadDpServerTls(options(dataDir, { certFile, keyFile }));
  assert.deepEqual(tls, { cert: pair.certPem, key: pair.keyPem, notAfter: pair.notAfter });
  await assert.rejects(stat(join(dataDir, TLS_DIR)), { code: 'ENOENT' });
});

test('given files that are missing, not PEM, mismatched or expired are refused naming the flag and the file', async () => {
  const dataDir = await scratch();
  const { certFile, keyFile } = await givenPair(dataDir);
  const other = await givenPair(await scratch());
  const missing = join(dataDir, 'nope.pem');
  assert.match(
    await refusal(loadDpServerTls(options(dataDir, { certFile: missing, keyFile }))),
    new RegExp(`^--tls-cert-file: ${missing} cannot be read: ENOENT`),
  );
  assert.equal(
    await refusal(loadDpServerTls(options(dataDir, { certFile: keyFile, keyFile }))),
    `--tls-cert-file: ${keyFile} holds no PEM certificate`,
  );
  assert.equal(
    await refusal(loadDpServerTls(options(dataDir, { certFile, keyFile: certFile }))),
    `--tls-key-file: ${certFile} holds no unencrypted PEM private key`,
  );
  assert.equal(
    await refusal(loadDpServerTls(options(dataDir, { certFile, keyFile: other.keyFile }))),
    `--tls-key-file: ${other.keyFile} does not match the certificate in ${certFile}`,
  );

  const old = await givenPair(await scratch(), DAY_MS, new Date(Date.now() - 10 * DAY_MS));
  assert.match(
    await refusal(loadDpServerTls(options(dataDir, { certFile: old.certFile, keyFile: old.keyFile }))),
    /^--tls-cert-file: .* expired at /,
  );
});

test('a given certificate close to its end is served with a warning', async () => {
  const dataDir = await scratch();
  const { certFile, keyFile } = await givenPair(dataDir, 10 * DAY_MS);
  const { lines, log } = logLines();
  await loadDpServerTls(options(dataDir, { certFile, keyFile, log }));
  assert.deepEqual(
    lines.map((line) => line.replace(/expires at [^;]+/, 'expires at T')),
    [`warn: the DP server certificate ${certFile} expires at T; replace it`],
  );
});

test('the generated certificate names loopback, the host and the configured address, not a wildcard', () => {
  assert.deepEqual(serverNames('10.1.2.3', 'cp-host'), ['localhost', '127.0.0.1', '::1', 'cp-host', '10.1.2.3']);
  assert.deepEqual(serverNames('0.0.0.0', 'cp-host'), ['localhost', '127.0.0.1', '::1', 'cp-host']);
  assert.deepEqual(serverNames('localhost', ''), ['localhost', '127.0.0.1', '::1']);
});

test('keepDpServerTlsFresh hands over given files replaced on disk, and keeps serving through a bad replacement', async () => {
  const dataDir = await scratch();
  const { certFile, keyFile } = await givenPair(dataDir);
  const { lines, log } = logLines();
  const opts = options(dataDir, { certFile, keyFile, log });
  const current = await loadDpServerTls(opts);
  const applied: string[] = [];
  const errors: string[] = [];
  const stop = keepDpServerTlsFresh(
    opts,
    current,
    (tls) => applied.push(tls.cert),
    (error) => errors.push(String(error)),
    20,
  );
  try {
    await sleep(80);
    assert.deepEqual(applied, [], 'unchanged files: nothing to apply');
    const next = await givenPair(await scratch());
    await writeFile(certFile, next.pair.certPem);
    await writeFile(keyFile, next.pair.keyPem);
    await until(() => applied.length === 1);
    assert.equal(applied[0], next.pair.certPem);
    assert.match(lines.join('\n'), /the DP server now serves a new certificate/);
    await writeFile(keyFile, 'oops');
    await until(() => errors.length > 0);
    assert.match(errors[0] ?? '', /the DP server TLS certificate cannot be used/);
    assert.equal(applied.length, 1, 'a broken replacement is reported, not served');
  } finally {
    stop();
  }
});

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

test('a lock file left by a process that is gone does not hold up the start', async () => {
  const dataDir = await scratch();
  await loadDpServerTls(options(dataDir));
  // No process has pid 2^22 + 1 on Linux (pid_max is at most 2^22).
  await writeFile(join(dataDir, TLS_DIR, '.lock'), String(4_194_305));
  const started = Date.now();
  await loadDpServerTls(options(dataDir));
  assert.ok(Date.now() - started < 2_000, 'taken over at once');
  await assert.rejects(stat(join(dataDir, TLS_DIR, '.lock')), { code: 'ENOENT' }, 'released afterwards');
});
