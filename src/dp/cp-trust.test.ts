import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateServerCa } from '../mtls/index.js';
import { parseCpAddress } from './cp-address.js';
import { readCpTrust } from './cp-trust.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function file(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-cp-trust-'));
  dirs.push(dir);
  await writeFile(join(dir, 'ca.crt'), text);
  return join(dir, 'ca.crt');
}

const tls = parseCpAddress('https://127.0.0.1:5678');
const plaintext = parseCpAddress('http://127.0.0.1:5678');

test('https:// with a CA file: its PEM, read once', async () => {
  const ca = (await generateServerCa({ commonName: 'cp CA', lifetimeMs: 86_400_000 })).certPem;
  assert.equal(await readCpTrust(tls, await file(ca)), ca);
});

test('http:// without a CA file: no TLS, nothing to trust', async () => {
  assert.equal(await readCpTrust(plaintext, undefined), undefined);
});

test('https:// without a CA file is refused: the agent never talks to an unverified control plane', async () => {
  await assert.rejects(readCpTrust(tls, undefined), {
    name: 'DpError',
    message:
      '--cp-address https://127.0.0.1:5678 speaks TLS: give --ca-cert-file, the CA that signs its certificate (koguma cp run generates it as <data-dir>/tls/ca.crt and logs the path)',
  });
});

test('http:// with a CA file is a mistake, said as such', async () => {
  await assert.rejects(readCpTrust(plaintext, '/etc/ca.crt'), {
    message:
      '--ca-cert-file is for a DP server with TLS, but --cp-address http://127.0.0.1:5678 is plaintext; give its https:// address',
  });
});

test('a CA file that is missing or holds no certificate is refused naming it', async () => {
  await assert.rejects(
    readCpTrust(tls, '/nonexistent/ca.crt'),
    /^DpError: cannot read --ca-cert-file \/nonexistent\/ca\.crt: ENOENT/,
  );
  const notPem = await file('hello');
  await assert.rejects(readCpTrust(tls, notPem), {
    message: `--ca-cert-file ${notPem} holds no PEM certificate (no BEGIN CERTIFICATE line)`,
  });
  const broken = await file('-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n');
  await assert.rejects(
    readCpTrust(tls, broken),
    new RegExp(`^DpError: --ca-cert-file ${broken} holds no PEM certificate \\(`),
  );
});
