/**
 * The bootstrap client against a fake `/bootstrap` in this process: how each
 * kind of answer is read, which are retried, and the overall deadline.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchBootstrap, requestBootstrap, type BootstrapRequest } from '../../src/dp/bootstrap-client.js';
import { parseCpAddress } from '../../src/dp/cp-address.js';
import { bootstrapAnswer, cleanUp, fakeControlPlane, freePort, stdError } from './harness.js';

after(cleanUp);

const request: BootstrapRequest = {
  mesh: 'default',
  name: 'web-1',
  proxyType: 'dataplane',
  version: { kumaDp: { version: '0.1.0' } },
};
const YAML = 'node:\n  id: default.web-1\n';

test('a JSON answer is decoded from base64; a YAML answer is taken as it is', async () => {
  const cp = await fakeControlPlane((call) =>
    call === 0 ? bootstrapAnswer(YAML) : { status: 200, contentType: 'text/yaml', body: YAML },
  );
  const address = parseCpAddress(cp.url);
  assert.deepEqual(await requestBootstrap(address, request, 5000), { ok: true, yaml: YAML });
  assert.deepEqual(await requestBootstrap(address, request, 5000), { ok: true, yaml: YAML });
  assert.deepEqual(cp.calls[0]?.body, request);
  await cp.close();
});

test('404 and 5xx are retried, 4xx are not, and the /std-errors fields become detail lines', async () => {
  const answers = [
    stdError(404, 'Not found', 'no such dataplane'),
    stdError(503, 'Unavailable', 'store down'),
    stdError(422, 'Invalid input', 'bad dataplane', [{ field: 'networking.address', reason: 'is required' }]),
    { status: 200, contentType: 'application/json', body: '{"nope":1}' },
  ];
  const cp = await fakeControlPlane((call) => answers[call]!);
  const address = parseCpAddress(cp.url);
  const results = [];
  for (let i = 0; i < answers.length; i++) results.push(await requestBootstrap(address, request, 5000));
  assert.deepEqual(
    results.map((r) =>
      r.ok
        ? 'ok'
        : `${r.retry ? 'retry' : 'fail'}: ${r.reason}${r.details.length > 0 ? ` | ${r.details.join(' | ')}` : ''}`,
    ),
    [
      'retry: dataplane default/web-1 is not in the control plane (Not found: no such dataplane); apply it, or pass --dataplane-file',
      'retry: the control plane refused the bootstrap request: HTTP 503 Unavailable: store down',
      'fail: the control plane refused the bootstrap request: HTTP 422 Invalid input: bad dataplane |   networking.address: is required',
      `retry: unreadable bootstrap answer from ${cp.url}: the answer has no "bootstrap" field`,
    ],
  );
  await cp.close();
});

test('fetchBootstrap retries with backoff and logs each retry, then gives up at the deadline with the last reason', async () => {
  const port = await freePort();
  const lines: string[] = [];
  const started = Date.now();
  await assert.rejects(
    fetchBootstrap({
      cpAddress: parseCpAddress(`http://127.0.0.1:${port}`),
      request,
      timeoutMs: 700,
      retry: { initialMs: 100, maxMs: 200 },
      log: (line) => lines.push(line),
    }),
    /^DpError: no bootstrap from the control plane within --bootstrap-timeout 700ms: cannot reach the control plane at http:\/\/127\.0\.0\.1:\d+: /,
  );
  assert.ok(Date.now() - started < 2000);
  assert.ok(lines.length >= 3, lines.join('\n'));
  assert.match(lines[0] ?? '', /retrying in 100ms \(giving up in \d+ms\)$/);
  assert.match(lines[1] ?? '', /retrying in 200ms/);
});

test('fetchBootstrap stops waiting when its signal aborts', async () => {
  const port = await freePort();
  const stop = new AbortController();
  const fetching = fetchBootstrap({
    cpAddress: parseCpAddress(`http://127.0.0.1:${port}`),
    request,
    timeoutMs: 60_000,
    retry: { initialMs: 10_000, maxMs: 10_000 },
    log: () => stop.abort(),
    signal: stop.signal,
  });
  await assert.rejects(fetching, { name: 'AbortError' });
});
