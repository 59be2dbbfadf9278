/**
 * Fetches Envoy's bootstrap from the control plane: `POST <cp>/bootstrap`
 * (KUMA-COMPAT.md, "Bootstrap"), retried while the control plane cannot
 * answer yet, within one overall deadline.
 *
 *   attempt ─► 200 {bootstrap: base64 YAML} ─► YAML
 *           ─► no connection, 5xx, timeout  ─► retry with backoff (log line)
 *           ─► 404 dataplane not found      ─► retry too: in indirect mode it may be applied any moment (kuma-dp does the same)
 *           ─► other 4xx                    ─► fail now with the server's reason
 *
 * The request asks for JSON (`Accept: application/json`); a YAML body is
 * taken as it is, so a control plane that ignores Accept still works.
 * Over `https://` the request's `caCert` is both what the control plane is
 * verified with and what Envoy's bootstrap will trust (KUMA-COMPAT.md), so
 * the two can never differ.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentSoftware } from './agent-software.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import type { CpAddress } from './cp-address.js';
import { DpError } from './errors.js';
import { formatDuration } from './flag-values.js';
import { post, type PostAnswer } from './http-post.js';

export interface BootstrapRequest {
  readonly mesh: string;
  readonly name: string;
  readonly proxyType: 'dataplane';
  readonly dataplaneToken?: string;
  /** The Dataplane document as JSON text (direct mode). */
  readonly dataplaneResource?: string;
  /** What the agent and its Envoy are (agent-software.ts). */
  readonly version: AgentSoftware['version'];
  readonly features?: readonly string[];
  readonly workdir?: string;
  /** Envoy's admin port, as kuma-dp sends it. */
  readonly adminPort?: number;
  /** PEM of the CA that signs the DP server's certificate (`--ca-cert-file`), over https:// only. */
  readonly caCert?: string;
  /** The xDS protocol Envoy should speak (`--xds-transport`); the control plane's default (delta) without it. */
  readonly xdsTransport?: 'delta' | 'sotw';
}

export type BootstrapAttempt =
  | { readonly ok: true; readonly yaml: string }
  | { readonly ok: false; readonly retry: boolean; readonly reason: string; readonly details: readonly string[] };

interface StdError {
  readonly title?: string;
  readonly detail?: string;
  readonly invalid_parameters?: readonly { readonly field?: string; readonly reason?: string }[];
}

function failure(response: PostAnswer, request: BootstrapRequest): BootstrapAttempt {
  let body: StdError = {};
  try {
    body = JSON.parse(response.body) as StdError;
  } catch {
    // Not a /std-errors body; the status says enough.
  }
  const said = [body.title, body.detail].filter((part) => part !== undefined && part !== '').join(': ');
  const details = (body.invalid_parameters ?? []).map((p) => `  ${p.field ?? '?'}: ${p.reason ?? '?'}`);
  if (response.status === 404) {
    const reason = `dataplane ${request.mesh}/${request.name} is not in the control plane${said === '' ? '' : ` (${said})`}; apply it, or pass --dataplane-file`;
    return { ok: false, retry: true, reason, details };
  }
  const reason = `the control plane refused the bootstrap request: HTTP ${response.status}${said === '' ? '' : ` ${said}`}`;
  return { ok: false, retry: response.status >= 500 || response.status === 429, reason, details };
}

/** One `POST /bootstrap`, classified. Never throws for what the network or the server did. */
export async function requestBootstrap(
  cp: CpAddress,
  request: BootstrapRequest,
  timeoutMs: number,
): Promise<BootstrapAttempt> {
  let response: PostAnswer;
  try {
    response = await post(`${cp.url}/bootstrap`, JSON.stringify(request), {
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      ...(request.caCert === undefined ? {} : { ca: request.caCert }),
      timeoutMs,
    });
  } catch (error) {
    return {
      ok: false,
      retry: true,
      reason: `cannot reach the control plane at ${cp.url}: ${(error as Error).message}`,
      details: [],
    };
  }
  if (response.status < 200 || response.status > 299) return failure(response, request);
  if (!response.contentType.includes('json')) return { ok: true, yaml: response.body };
  try {
    const { bootstrap } = JSON.parse(response.body) as { bootstrap?: unknown };
    if (typeof bootstrap !== 'string' || bootstrap === '') throw new Error('the answer has no "bootstrap" field');
    return { ok: true, yaml: Buffer.from(bootstrap, 'base64').toString('utf8') };
  } catch (error) {
    return {
      ok: false,
      retry: true,
      reason: `unreadable bootstrap answer from ${cp.url}: ${(error as Error).message}`,
      details: [],
    };
  }
}

export interface FetchBootstrapOptions {
  readonly cpAddress: CpAddress;
  readonly request: BootstrapRequest;
  /** The whole budget, all attempts and waits included. */
  readonly timeoutMs: number;
  readonly retry: BackoffPolicy;
  readonly log: (line: string) => void;
  /** Aborts the waiting (a stop signal); the fetch then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Longest single attempt; a control plane that accepts but never answers must not eat the budget. */
const ATTEMPT_TIMEOUT_MS = 10_000;

/** The bootstrap YAML, or a DpError with the last reason once the deadline has passed. */
export async function fetchBootstrap(options: FetchBootstrapOptions): Promise<string> {
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    options.signal?.throwIfAborted();
    const left = deadline - Date.now();
    const result = await requestBootstrap(
      options.cpAddress,
      options.request,
      Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, left)),
    );
    options.signal?.throwIfAborted();
    if (result.ok) return result.yaml;
    if (!result.retry) throw new DpError(result.reason, result.details);
    const delay = backoffDelay(options.retry, attempt);
    const remaining = deadline - Date.now();
    if (remaining <= delay) {
      throw new DpError(
        `no bootstrap from the control plane within --bootstrap-timeout ${formatDuration(options.timeoutMs)}: ${result.reason}`,
        result.details,
      );
    }
    options.log(`${result.reason}; retrying in ${formatDuration(delay)} (giving up in ${formatDuration(remaining)})`);
    await sleep(delay, undefined, options.signal === undefined ? {} : { signal: options.signal });
  }
}
