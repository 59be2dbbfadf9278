/**
 * Proxyless apps under a control plane with its defaults: the DP server
 * speaks TLS and wants a dataplane token on every xDS stream. The example
 * apps of examples/proxyless/ run under `koguma dp run --proxyless
 * --ca-cert-file --dataplane-token-file`, so their xDS goes through the
 * agent's relay, which verifies the control plane and presents the token.
 *
 *   koguma cp run (TLS, dpToken) ◄─TLS + token─ relay ◄─h2c─ backend.mjs / client.mjs
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  EXAMPLES,
  cleanUp,
  freePort,
  scratchDir,
  startKoguma,
  waitFor,
  type KogumaProcess,
} from '../support/proxyless-processes.js';
import { logged } from '../support/proxyless.js';

let apiUrl: string;
let xdsUrl: string;
let caCertFile: string;
let dir: string;
let cp: KogumaProcess;

/** A token for `name` limited to `service`, issued by the REST API (this test is on localhost: an administrator), in a file. */
async function tokenFile(name: string, service: string): Promise<string> {
  const response = await fetch(`${apiUrl}/tokens/dataplane`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mesh: 'default', name, tags: { 'kuma.io/service': [service] }, validFor: '1h' }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  const path = join(dir, `${name}.token`);
  await writeFile(path, text, { mode: 0o600 });
  return path;
}

function proxyless(
  app: 'backend' | 'client',
  vars: Record<string, string>,
  token: string,
  appArgs: readonly string[],
): KogumaProcess {
  return startKoguma(vars['name'] ?? app, [
    'dp',
    'run',
    '--proxyless',
    '--dataplane-file',
    join(EXAMPLES, `${app}.yaml`),
    ...Object.entries(vars).flatMap(([key, value]) => ['--dataplane-var', `${key}=${value}`]),
    '--cp-address',
    xdsUrl,
    '--ca-cert-file',
    caCertFile,
    '--dataplane-token-file',
    token,
    '--drain-time',
    '0s',
    '--',
    process.execPath,
    join(EXAMPLES, `${app}.mjs`),
    ...appArgs,
  ]);
}

const outcomesOf = (proc: KogumaProcess): { server?: string; error?: string; details?: string }[] =>
  proc.lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { server?: string; error?: string; details?: string });

before(async () => {
  dir = await scratchDir();
  cp = startKoguma('cp', [
    'cp',
    'run',
    '--store',
    'memory',
    '--api-port',
    '0',
    '--xds-port',
    '0',
    '--data-dir',
    dir,
    '--dataplane-removal-delay',
    '2s',
  ]);
  ({ apiUrl, xdsUrl, caCertFile } = await waitFor(
    () => `the control plane to listen (stderr: ${cp.stderr()})`,
    () => {
      if (!cp.isRunning()) throw new Error(`the control plane exited: ${cp.stderr()}`);
      const [api, xds, ca] = [logged(cp, 'apiUrl'), logged(cp, 'xdsUrl'), logged(cp, 'caCertFile')];
      return api !== undefined && xds !== undefined && ca !== undefined
        ? { apiUrl: api, xdsUrl: xds, caCertFile: ca }
        : undefined;
    },
    30_000,
  ));
});

after(cleanUp);

describe('proxyless gRPC through the relay: TLS and dataplane tokens', () => {
  it('a backend and a client with their own tokens are configured over TLS and talk', async () => {
    assert.match(xdsUrl, /^https:\/\//, 'TLS is the default');
    const port = await freePort();
    const backend = proxyless(
      'backend',
      { name: 'backend-1', port: String(port) },
      await tokenFile('backend-1', 'backend'),
      ['backend-1', `127.0.0.1:${port}`],
    );
    await waitFor(
      () => `backend-1 to serve (stderr: ${backend.stderr()})`,
      () => (backend.lines.some((line) => line.startsWith('backend-1 serving on')) ? true : undefined),
    );
    assert.match(backend.stderr(), /xDS from the relay on 127\.0\.0\.1:\d+ to https:\/\/127\.0\.0\.1:\d+/);
    const client = proxyless('client', { name: 'client-1' }, await tokenFile('client-1', 'client'), [
      'xds:///backend',
      '--json',
      '--rate',
      '20',
    ]);
    await waitFor(
      () => `client-1 to be answered (stderr: ${client.stderr()})`,
      () => (outcomesOf(client).filter((o) => o.server === 'backend-1').length >= 10 ? true : undefined),
      60_000,
    );
  });

  it("a client presenting another dataplane's token is never configured, and never registered", async () => {
    const stolen = join(dir, 'client-1.token');
    const impostor = proxyless('client', { name: 'client-2' }, stolen, ['xds:///backend', '--json', '--rate', '20']);
    await waitFor(
      () => `the impostor's calls to fail (stderr: ${impostor.stderr()})`,
      () => (outcomesOf(impostor).length >= 20 ? true : undefined),
      60_000,
    );
    assert.deepEqual(
      outcomesOf(impostor).filter((o) => o.server !== undefined),
      [],
      'no call answered',
    );
    // The control plane's refusal reaches the app's xDS client through the relay, reason and all.
    // Refused by the token check, not lost on the way: the control plane says why.
    const refusals = cp.lines.filter(
      (line) => line.includes('"nodeId":"default.client-2"') && line.includes('refused an xDS stream'),
    );
    assert.ok(refusals.length > 0, 'the control plane refused the stream');
    assert.match(refusals[0] ?? '', /the token is for dataplane \\"client-1\\"/);
    const registered = await fetch(`${apiUrl}/meshes/default/dataplanes/client-2`);
    assert.equal(registered.status, 404, await registered.text());
  });
});
