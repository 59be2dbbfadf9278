/**
 * Traffic for the real-Envoy tests: many requests (or TCP exchanges) through
 * a sidecar's outbound port, a fixed number of them or a steady stream until
 * stopped, each outcome recorded with who answered.
 *
 *   sendHttp(port, 2000, {concurrency: 8})     ─► 2,000 outcomes, then resolve
 *   const load = startHttpLoad(port, {...})    ─► requests until load.stop()
 *   ... something happens meanwhile ...
 *   const outcomes = await load.stop()         ─► every outcome, in the order they ended
 *
 * HTTP requests share keep-alive connections to the sidecar (as an
 * application's client would), so what is measured is Envoy's doing, not
 * connection set-up in the test. TCP exchanges each open a new connection:
 * one connection is one routing decision for Envoy's tcp_proxy. Every run is
 * bounded in count and in time.
 */
import { Agent, request } from 'node:http';
import { tcpExchange } from './envoy-apps.js';

export interface Outcome {
  /** When the request started and ended (Date.now()). */
  readonly startedAt: number;
  readonly endedAt: number;
  /** The HTTP status, for HTTP. */
  readonly status?: number;
  /** Who answered: the app's `x-app` header (HTTP) or the name before `:` in its echo (TCP). */
  readonly app?: string;
  /** What went wrong when there was no answer. */
  readonly error?: string;
  /** Response headers (HTTP). */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: string;
}

export interface HttpLoadOptions {
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number;
  readonly path?: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Per request (default 10 s). */
  readonly timeoutMs?: number;
  /** Keep the response bodies in the outcomes (default: only for non-200 answers). */
  readonly keepBodies?: boolean;
}

/** A request that fails the test: no answer, or an HTTP status other than 200. */
export const failed = (outcome: Outcome): boolean =>
  outcome.error !== undefined || (outcome.status !== undefined && outcome.status !== 200);

/** How many outcomes each app answered; failures counted as `failed: <status or error>`. */
export function tallyByApp(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = failed(outcome) ? `failed: ${outcome.error ?? outcome.status}` : (outcome.app ?? '?');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** How many outcomes had each status (or each error). */
export function tallyByStatus(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = outcome.error ?? String(outcome.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function httpOnce(agent: Agent, port: number, options: HttpLoadOptions): Promise<Outcome> {
  const startedAt = Date.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    const fail = (error: Error) => resolve({ startedAt, endedAt: Date.now(), error: error.message });
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: options.path ?? '/',
        method: options.method ?? 'GET',
        headers: options.headers,
        agent,
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('error', fail);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const app = res.headers['x-app'];
          resolve({
            startedAt,
            endedAt: Date.now(),
            status,
            headers: res.headers,
            ...(typeof app === 'string' ? { app } : {}),
            ...(options.keepBodies === true || status !== 200 ? { body } : {}),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', fail);
    req.end();
  });
}

function tcpOnce(port: number, timeoutMs: number): Promise<Outcome> {
  const startedAt = Date.now();
  // The text carries the start time so that no two exchanges look alike.
  return tcpExchange(port, `ping ${startedAt}`, timeoutMs).then(
    (answer) => ({ startedAt, endedAt: Date.now(), app: answer.slice(0, answer.indexOf(':')) }),
    (error: Error) => ({ startedAt, endedAt: Date.now(), error: error.message }),
  );
}

export interface Load {
  /** The outcomes so far, in the order they ended. */
  outcomes(): readonly Outcome[];
  /** Stops starting requests, waits for those in flight; every outcome. */
  stop(): Promise<readonly Outcome[]>;
  /** Every outcome, once the count or time bound is reached (or after stop()). */
  readonly finished: Promise<readonly Outcome[]>;
}

interface Bounds {
  readonly concurrency: number;
  readonly maxCount: number;
  readonly maxMs: number;
}

/** `concurrency` loops of `once` until stopped, `maxCount` started, or `maxMs` passed. */
function runLoad(once: () => Promise<Outcome>, bounds: Bounds, cleanup: () => void = () => {}): Load {
  const outcomes: Outcome[] = [];
  const deadline = Date.now() + bounds.maxMs;
  let started = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && started < bounds.maxCount && Date.now() < deadline) {
      started++;
      outcomes.push(await once());
    }
  };
  const finished = Promise.all(Array.from({ length: bounds.concurrency }, worker))
    .finally(cleanup)
    .then(() => outcomes);
  return {
    outcomes: () => outcomes,
    finished,
    stop: () => {
      stopped = true;
      return finished;
    },
  };
}

const keepAliveAgent = (concurrency: number): Agent => new Agent({ keepAlive: true, maxSockets: concurrency });

/** HTTP requests until stopped (at most `maxCount`, for at most `maxMs`). */
export function startHttpLoad(
  port: number,
  options: HttpLoadOptions & { maxCount?: number; maxMs?: number } = {},
): Load {
  const concurrency = options.concurrency ?? 4;
  const agent = keepAliveAgent(concurrency);
  return runLoad(
    () => httpOnce(agent, port, options),
    { concurrency, maxCount: options.maxCount ?? 100_000, maxMs: options.maxMs ?? 120_000 },
    () => agent.destroy(),
  );
}

/** Exactly `count` HTTP requests (bounded by `maxMs`, default 60 s); their outcomes. */
export function sendHttp(
  port: number,
  count: number,
  options: HttpLoadOptions & { maxMs?: number } = {},
): Promise<readonly Outcome[]> {
  return startHttpLoad(port, { ...options, maxCount: count, maxMs: options.maxMs ?? 60_000 }).finished;
}

export interface TcpLoadOptions {
  readonly concurrency?: number;
  readonly timeoutMs?: number;
}

/** TCP exchanges, each on a new connection, until stopped (at most `maxCount`, for at most `maxMs`). */
export function startTcpLoad(port: number, options: TcpLoadOptions & { maxCount?: number; maxMs?: number } = {}): Load {
  return runLoad(() => tcpOnce(port, options.timeoutMs ?? 10_000), {
    concurrency: options.concurrency ?? 2,
    maxCount: options.maxCount ?? 100_000,
    maxMs: options.maxMs ?? 120_000,
  });
}

/** Exactly `count` TCP exchanges (bounded by `maxMs`, default 60 s); their outcomes. */
export function sendTcp(
  port: number,
  count: number,
  options: TcpLoadOptions & { maxMs?: number } = {},
): Promise<readonly Outcome[]> {
  return startTcpLoad(port, { ...options, maxCount: count, maxMs: options.maxMs ?? 60_000 }).finished;
}
