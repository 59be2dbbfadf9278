/**
 * An HTTP app whose behaviour a test sets and changes while traffic flows,
 * for the resilience policies (timeouts, retries, circuit breaking, health
 * checks) through real Envoy sidecars. Each instance has its own name and
 * says it in every answer (`x-app` header, JSON body), so a test can tell
 * which endpoint served a request.
 *
 *   GET /health                  answers `healthStatus` (200 unless set); counted as a probe, not a request
 *   any other request            counted; held `delayMs` (or the request's `x-delay-ms`), then
 *                                 failEvery N: the Nth, 2Nth... request answers `failStatus` (503 unless set,
 *                                               or the request's `x-fail-status`)
 *                                 otherwise 200 (or the request's `x-respond-status`)
 *
 * A request whose caller goes away before it is answered (an Envoy timeout
 * cutting it) is counted as cancelled and never answered.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './envoy-apps.js';

export interface AppBehaviour {
  /** Hold every answer this long (a request's `x-delay-ms` wins). */
  delayMs?: number;
  /** Fail every Nth request (counting every request this app served). */
  failEvery?: number;
  /** The status of a failure (a request's `x-fail-status` wins). */
  failStatus?: number;
  /** What GET /health answers. */
  healthStatus?: number;
}

export interface ScriptedApp extends TestApp {
  /** Changed in place: takes effect on the next request. */
  readonly behaviour: AppBehaviour;
  /** Requests answered with a failure status (failEvery). */
  failed(): number;
  /** Requests whose caller went away before the answer. */
  cancelled(): number;
  /** GET /health requests (health-check probes). */
  probes(): number;
}

const open = new Set<ScriptedApp>();

/** For `after()`. */
export async function closeScriptedApps(): Promise<void> {
  await Promise.all([...open].map((app) => app.close()));
}

const numberHeader = (req: IncomingMessage, name: string): number | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? Number(value) : undefined;
};

export async function startScriptedApp(name: string, behaviour: AppBehaviour = {}): Promise<ScriptedApp> {
  let served = 0;
  let failed = 0;
  let cancelled = 0;
  let probes = 0;
  const server = createServer((req, res) => {
    req.resume();
    if (req.url === '/health') {
      probes++;
      res.writeHead(behaviour.healthStatus ?? 200, { 'x-app': name }).end(name);
      return;
    }
    served++;
    const failing = behaviour.failEvery !== undefined && served % behaviour.failEvery === 0;
    const status = failing
      ? (numberHeader(req, 'x-fail-status') ?? behaviour.failStatus ?? 503)
      : (numberHeader(req, 'x-respond-status') ?? 200);
    if (failing) failed++;
    const answer = () =>
      res
        .writeHead(status, { 'content-type': 'application/json', 'x-app': name })
        .end(JSON.stringify({ app: name, path: req.url, status }));
    const delayMs = numberHeader(req, 'x-delay-ms') ?? behaviour.delayMs ?? 0;
    if (delayMs <= 0) {
      answer();
      return;
    }
    const timer = setTimeout(answer, delayMs);
    res.once('close', () => {
      if (res.writableFinished) return;
      clearTimeout(timer);
      cancelled++;
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  const app: ScriptedApp = {
    name,
    port,
    behaviour,
    served: () => served,
    failed: () => failed,
    cancelled: () => cancelled,
    probes: () => probes,
    close: () => {
      open.delete(app);
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  open.add(app);
  return app;
}
