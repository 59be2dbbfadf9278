/**
 * The bootstrap client against a real DP server over TLS: the CA of
 * --ca-cert-file verifies it and travels in the request; every usual mistake
 * (another CA, a certificate for another name, the wrong scheme either way)
 * is a retried failure whose reason says what to check.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestBootstrap, type BootstrapRequest } from '../../src/dp/bootstrap-client.js';
import { parseCpAddress } from '../../src/dp/cp-address.js';
import { startTestDpServer, testTls, type TestDpServer, type TestTls } from '../xds-server/support.js';

let tls: TestTls;
let secure: TestDpServer;
let plaintext: TestDpServer;

before(async () => {
  tls = await testTls();
  secure = await startTestDpServer({ tls });
  plaintext = await startTestDpServer();
});
after(async () => {
  await secure?.close();
  await plaintext?.close();
});

const request = (caCert?: string): BootstrapRequest => ({
  mesh: 'default',
  name: 'web-1',
  proxyType: 'dataplane',
  version: { kumaDp: { version: '0.1.0' } },
  ...(caCert === undefined ? {} : { caCert }),
});

/** The reason of a failed attempt, or 'ok'. */
async function attempt(url: string, caCert?: string): Promise<string> {
  const result = await requestBootstrap(parseCpAddress(url), request(caCert), 5_000);
  return result.ok ? 'ok' : `${result.retry ? 'retry' : 'fail'}: ${result.reason}`;
}

test('over https:// the CA verifies the DP server and is sent as caCert', async () => {
  const received: unknown[] = [];
  const dp = await startTestDpServer({
    tls,
    bootstrapHandler: async (body) => {
      received.push(body);
      return {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ bootstrap: Buffer.from('node: {}\n').toString('base64') }),
      };
    },
  });
  try {
    assert.deepEqual(await requestBootstrap(parseCpAddress(dp.server.url), request(tls.caPem), 5_000), {
      ok: true,
      yaml: 'node: {}\n',
    });
    assert.equal((received[0] as { caCert?: string }).caCert, tls.caPem);
  } finally {
    await dp.close();
  }
});

test('another CA is refused, and the reason says to check --ca-cert-file', async () => {
  const other = await testTls();
  assert.match(
    await attempt(secure.server.url, other.caPem),
    /^retry: cannot reach the control plane at https:\/\/127\.0\.0\.1:\d+: unable to verify the first certificate \(does --ca-cert-file hold the CA of this control plane, and does its certificate name this host\?\)$/,
  );
});

test('a certificate that does not name the address dialled is refused', async () => {
  const localhostOnly = await testTls(['localhost']);
  const dp = await startTestDpServer({ tls: localhostOnly });
  try {
    assert.match(
      await attempt(dp.server.url, localhostOnly.caPem),
      /^retry: cannot reach .*: Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1 is not in the cert's list: .*\(does --ca-cert-file/,
    );
  } finally {
    await dp.close();
  }
});

test('https:// to a plaintext DP server, and http:// to a TLS one, say which scheme to use', async () => {
  assert.match(
    await attempt(plaintext.server.url.replace('http://', 'https://'), tls.caPem),
    /\(if the DP server runs without TLS, --xds-tls false, use http:\/\/\)$/,
  );
  assert.match(
    await attempt(secure.server.url.replace('https://', 'http://')),
    /\(if the DP server speaks TLS, use https:\/\/ and --ca-cert-file\)$/,
  );
});
