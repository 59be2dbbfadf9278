#!/usr/bin/env node
// `npm run demo:proxyless`: proxyless gRPC through Koguma in one command, about
// 20 seconds. It runs a control plane (memory store, free ports), two
// backends and a client from examples/proxyless/, each app under
// `koguma dp run --proxyless`, and shows the client's per-second tally while it
//
//   0 s  client calls xds:///backend: traffic on backend-1 and backend-2
//   6 s  stops backend-1            : traffic moves to backend-2
//  12 s  starts backend-3           : backend-3 joins
//  20 s  stops everything
//
// Ctrl-C stops everything at any time. Each process leads its own process
// group (an agent keeps its app in its group), so a stop reaches both, and
// nothing outlives the demo.
//
// Secrets live in a temporary folder of their own, removed on every way out
// (done, failure, Ctrl-C, SIGTERM): the control plane's data dir (its admin
// token, token signing key and the CA of its DP server, which each agent
// trusts with --ca-cert-file), the demo's dataplane token, and the agents'
// temporary files (their workload keys; TMPDIR points there). Logs of every
// process go to another temporary folder, removed when the demo succeeds and
// kept, and named, when it fails; they hold no keys or tokens.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist/src/cli/main.js');
const examples = join(root, 'examples/proxyless');
const RATE = 10;
const STARTUP_TIMEOUT_MS = 60_000;

if (!existsSync(cli)) {
  console.error('The koguma CLI is not built: run `npm run build` (npm install does it) and try again.');
  process.exit(1);
}

const secrets = mkdtempSync(join(tmpdir(), 'koguma-demo-'));
const logs = mkdtempSync(join(tmpdir(), 'koguma-demo-logs-'));
const removeSecrets = () => rmSync(secrets, { recursive: true, force: true });
const started = new Set();
const clock = () => new Date().toTimeString().slice(0, 8);
const say = (text) => console.log(`${clock()}  ${text}`);

/**
 * Runs `koguma <args>` in its own process group. Each stdout line goes to
 * `onLine`; stdout and stderr are kept in <logs>/<name>.log.
 */
function koguma(name, args, onLine = () => {}) {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: secrets },
  });
  const log = createWriteStream(join(logs, `${name}.log`));
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const proc = { name, child, waiters: new Set(), exited: new Promise((resolve) => child.once('close', resolve)) };
  createInterface({ input: child.stdout }).on('line', (line) => {
    onLine(line);
    for (const waiter of proc.waiters) waiter(line);
  });
  started.add(proc);
  proc.exited.then(() => {
    started.delete(proc);
    log.end();
  });
  return proc;
}

/** SIGTERM to the process (an agent forwards it to its app); the whole group is killed if it lingers. */
async function stop(proc) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), 8_000);
  await proc.exited;
  clearTimeout(timer);
}

function killGroup(proc, signal) {
  try {
    process.kill(-proc.child.pid, signal);
  } catch {
    // already gone
  }
}

/** Resolves when `test(line)` returns a value for a stdout line of `proc`; fails if it exits first or takes too long. */
function waitForLine(proc, what, test) {
  return new Promise((resolve, reject) => {
    const done = (settle) => {
      clearTimeout(timer);
      proc.waiters.delete(waiter);
      settle();
    };
    const timer = setTimeout(
      () => done(() => reject(new Error(`${proc.name}: no ${what} within ${STARTUP_TIMEOUT_MS / 1000} s`))),
      STARTUP_TIMEOUT_MS,
    );
    const waiter = (line) => {
      const value = test(line);
      if (value !== undefined) done(() => resolve(value));
    };
    proc.waiters.add(waiter);
    proc.exited.then(() => done(() => reject(new Error(`${proc.name} exited before ${what}`))));
  });
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The control plane, once its DP server (xDS) and REST API listen. */
async function startControlPlane() {
  const cp = koguma('control-plane', [
    'cp',
    'run',
    '--store',
    'memory',
    '--api-port',
    '0',
    '--xds-port',
    '0',
    '--dataplane-removal-delay',
    '1s',
    '--data-dir',
    join(secrets, 'control-plane'),
  ]);
  const urls = {};
  await waitForLine(cp, 'listening ports', (line) => {
    // Its log lines are JSON; two of them say where the REST API and xDS listen, and the CA of the latter.
    const { apiUrl, xdsUrl, caCertFile } = line.startsWith('{') ? JSON.parse(line) : {};
    Object.assign(urls, apiUrl ? { apiUrl } : {}, xdsUrl ? { xdsUrl, caCertFile } : {});
    return urls.apiUrl && urls.xdsUrl ? true : undefined;
  });
  // One dataplane token for the demo's apps, issued by the REST API (this script is on localhost, an administrator).
  // In production each workload gets its own, limited with a name and tags.
  const response = await fetch(`${urls.apiUrl}/tokens/dataplane`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mesh: 'default', validFor: '1h' }),
  });
  if (!response.ok) throw new Error(`issuing a dataplane token failed: ${response.status} ${await response.text()}`);
  const tokenFile = join(secrets, 'dataplane.token');
  await writeFile(tokenFile, await response.text(), { mode: 0o600 });
  return Object.assign(cp, urls, { tokenFile });
}

/** `koguma dp run --proxyless` with a Dataplane template of examples/proxyless/ and the app after `--`. */
function proxyless(cp, app, vars, appArgs, onLine) {
  const args = [
    'dp',
    'run',
    '--proxyless',
    '--cp-address',
    cp.xdsUrl,
    '--ca-cert-file',
    cp.caCertFile,
    '--dataplane-token-file',
    cp.tokenFile,
    '--dataplane-file',
    join(examples, `${app}.yaml`),
  ];
  for (const [key, value] of Object.entries(vars)) args.push('--dataplane-var', `${key}=${value}`);
  return koguma(vars.name, [...args, '--', process.execPath, join(examples, `${app}.mjs`), ...appArgs], onLine);
}

async function startBackend(cp, name) {
  const port = await freePort();
  const backend = proxyless(cp, 'backend', { name, port }, [name, `127.0.0.1:${port}`], (line) => say(line));
  await waitForLine(backend, 'serving', (line) => (line.startsWith(`${name} serving on`) ? true : undefined));
  return backend;
}

async function listDataplanes(cp) {
  const response = await fetch(`${cp.apiUrl}/meshes/default/dataplanes`);
  const { items } = await response.json();
  say(
    `dataplanes in mesh default (GET ${cp.apiUrl}/meshes/default/dataplanes): ${items.map((d) => d.name).join(', ')}`,
  );
}

let stopping;
async function stopAll(reason) {
  stopping ??= (async () => {
    say(`── ${reason}: stopping every process ──`);
    const all = [...started];
    const cp = all.find((p) => p.name === 'control-plane');
    await Promise.all(all.filter((p) => p !== cp).map(stop));
    if (cp) await stop(cp);
  })();
  return stopping;
}

/** Stopped on purpose: nothing failed, so the logs go too. */
let interrupted = false;
const interrupt = (reason, code) => {
  interrupted = true;
  void stopAll(reason).then(() => {
    rmSync(logs, { recursive: true, force: true });
    process.exit(code);
  });
};
process.once('SIGINT', () => interrupt('Ctrl-C', 130));
process.once('SIGTERM', () => interrupt('SIGTERM', 143));
// Every way out passes here: no process group is left behind, and no secret.
process.once('exit', () => {
  for (const proc of started) killGroup(proc, 'SIGKILL');
  removeSecrets();
});

async function main() {
  console.log(`Koguma proxyless gRPC demo (about 20 s; Ctrl-C stops it). Logs: ${logs} (removed at the end)\n`);
  const cp = await startControlPlane();
  say(`control plane: REST API ${cp.apiUrl}, xDS ${cp.xdsUrl} (memory store)`);
  const backends = {
    'backend-1': await startBackend(cp, 'backend-1'),
    'backend-2': await startBackend(cp, 'backend-2'),
  };

  say(`client-1 calls xds:///backend ${RATE} times a second and prints who answered, every second:`);
  proxyless(cp, 'client', { name: 'client-1' }, ['xds:///backend', '--rate', String(RATE)], (line) =>
    console.log(line),
  );
  const t0 = Date.now();
  const at = (seconds) => sleep(Math.max(0, t0 + seconds * 1_000 - Date.now()));

  await at(3.5);
  await listDataplanes(cp);
  await at(6.5);
  say('── stopping backend-1 (SIGTERM to its koguma dp run) ──');
  await stop(backends['backend-1']);
  await at(12.5);
  say('── starting backend-3 ──');
  backends['backend-3'] = await startBackend(cp, 'backend-3');
  await at(17.5);
  await listDataplanes(cp);
  await at(20.5);
  await stopAll('20 s are up');
  rmSync(logs, { recursive: true, force: true });
  console.log('\nDone. Run the pieces yourself: examples/proxyless/README.md');
}

main().catch(async (error) => {
  // A process stopped by Ctrl-C fails what was waiting for it; that is no failure of the demo.
  if (interrupted) return;
  console.error(`\ndemo failed: ${error.message}\nlogs of every process (kept): ${logs}`);
  await stopAll('failure');
  process.exit(1);
});
