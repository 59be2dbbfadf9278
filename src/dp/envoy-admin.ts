/**
 * Whether a started Envoy has come up: it writes the address its admin API
 * bound to into the file of `--admin-address-path` (the agent passes one in
 * the workdir), and that API answers `GET /ready` with the server state
 * (PRE_INITIALIZING, INITIALIZING, LIVE, DRAINING). An answer of any state
 * means Envoy runs; LIVE waits on the control plane, which is not Envoy's
 * fault. An Envoy that writes no address, or whose admin API never answers,
 * hangs at start, and the supervisor restarts it.
 *
 * The probe polls (a started process sends no event when it listens): every
 * 100 ms, each request bounded by a second, until the caller's signal aborts.
 */
import { readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StartCheck } from './supervisor.js';

export const ADMIN_ADDRESS_FILE = 'envoy-admin-address';
const PROBE_INTERVAL_MS = 100;
const REQUEST_TIMEOUT_MS = 1_000;

/** `host:port` as Envoy writes it (`[::1]:9901` for IPv6); a wildcard host is reached on loopback. */
export function adminTarget(written: string): { host: string; port: number } | undefined {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(written.trim());
  if (!match) return undefined;
  const host = match[1] === '0.0.0.0' ? '127.0.0.1' : match[1] === '::' ? '::1' : (match[1] ?? '');
  return { host, port: Number(match[2]) };
}

/** GET /ready: Envoy's server state, or why there is none. */
function readyState(target: { host: string; port: number }): Promise<{ state: string } | { failure: string }> {
  return new Promise((resolve) => {
    const req = request(
      { host: target.host, port: target.port, path: '/ready', timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => resolve({ state: body.trim() || `HTTP ${response.statusCode}` }));
        response.on('error', (error) => resolve({ failure: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (error) => resolve({ failure: error.message }));
    req.end();
  });
}

/** The start check of an Envoy run with `--admin-address-path addressFile`. */
export function envoyAdminCheck(addressFile: string, timeoutMs: number): StartCheck {
  let seen = 'it wrote no admin address yet';
  return {
    timeoutMs,
    // A file left by the previous run would point at an admin API that is gone.
    beforeStart: () => rm(addressFile, { force: true }),
    describe: () => seen,
    async ready(signal) {
      while (!signal.aborted) {
        const written = await readFile(addressFile, 'utf8').catch(() => undefined);
        const target = written === undefined ? undefined : adminTarget(written);
        if (target !== undefined) {
          const answer = await readyState(target);
          if ('state' in answer) return `admin API on ${written!.trim()}, server state ${answer.state}`;
          seen = `its admin API on ${written!.trim()} does not answer (${answer.failure})`;
        }
        await sleep(PROBE_INTERVAL_MS, undefined, { signal }).catch(() => undefined);
      }
      return undefined;
    },
  };
}

/**
 * Asks Envoy to drain its inbound listeners gracefully (`POST
 * /drain_listeners?graceful&inboundonly`): over its drain time it keeps
 * answering, but tells every client to close (HTTP/1.1 `Connection: close`,
 * HTTP/2 GOAWAY), so callers move to other endpoints without a failed request.
 * Resolves with why it could not, or undefined once Envoy took it.
 */
export async function drainInboundListeners(addressFile: string): Promise<string | undefined> {
  const written = await readFile(addressFile, 'utf8').catch(() => undefined);
  const target = written === undefined ? undefined : adminTarget(written);
  if (target === undefined) return 'Envoy has written no admin address';
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.host,
        port: target.port,
        method: 'POST',
        path: '/drain_listeners?graceful&inboundonly',
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve(
            response.statusCode === 200 ? undefined : `its admin API answered HTTP ${response.statusCode ?? '?'}`,
          ),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (error) => resolve(error.message));
    req.end();
  });
}
