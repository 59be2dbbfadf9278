/**
 * Many HTTP requests through a sidecar's outbound listener, and what came
 * back: each reply's status, which app answered (its `x-app` header), its
 * headers and how long it took. Requests share keep-alive connections (at
 * most `concurrency` of them, made for this batch and closed after it), so a
 * thousand requests take a second or two, not a thousand handshakes.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface Reply {
  /** 0 when the request failed without a response (`error` says why). */
  readonly status: number;
  /** The `x-app` header: which test app answered; undefined when Envoy answered by itself. */
  readonly app?: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** From sending the request to the end of the response. */
  readonly ms: number;
  readonly error?: string;
}

export interface BatchOptions {
  /** Requests in flight at once (default 1: one after the other). */
  readonly concurrency?: number;
  readonly path?: string;
  readonly method?: string;
  /** Headers of every request, or of request `i`. */
  readonly headers?: Record<string, string> | ((i: number) => Record<string, string>);
  readonly timeoutMs?: number;
}

function send(
  agent: Agent,
  port: number,
  path: string,
  method: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve) => {
    const failed = (error: Error) =>
      resolve({ status: 0, headers: {}, body: '', ms: performance.now() - started, error: error.message });
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', failed);
      res.on('end', () => {
        const app = res.headers['x-app'];
        resolve({
          status: res.statusCode ?? 0,
          ...(typeof app === 'string' ? { app } : {}),
          headers: res.headers,
          body,
          ms: performance.now() - started,
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', failed);
    req.end();
  });
}

/** `count` requests to 127.0.0.1:`port`; the replies in request order. Never rejects: a failed request is a Reply with status 0. */
export async function sendRequests(port: number, count: number, options: BatchOptions = {}): Promise<Reply[]> {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 1, count));
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const replies: Reply[] = new Array<Reply>(count);
  const headersOf = (i: number) =>
    typeof options.headers === 'function' ? options.headers(i) : (options.headers ?? {});
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      replies[i] = await send(
        agent,
        port,
        options.path ?? '/',
        options.method ?? 'GET',
        headersOf(i),
        options.timeoutMs ?? 10_000,
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return replies;
}

/** One request on a connection of its own. */
export async function sendOne(port: number, options: Omit<BatchOptions, 'concurrency'> = {}): Promise<Reply> {
  const [reply] = await sendRequests(port, 1, options);
  return reply!;
}

/** How many replies fall under each key. */
export function countBy(
  replies: readonly Reply[],
  key: (reply: Reply) => string | number | undefined,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const reply of replies) {
    const k = String(key(reply));
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** The median of `values` (0 for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Whether `measuredMs` is not clearly shorter than `expectedMs`: a lower
 * bound with 10 % room, because Envoy's timers may fire a fraction of a
 * millisecond early and its timer starts a moment after the client's clock.
 * It tells "held for the duration" from "answered at once", nothing finer.
 */
export const tookAbout = (measuredMs: number, expectedMs: number): boolean => measuredMs >= expectedMs * 0.9;
