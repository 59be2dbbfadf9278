/**
 * Reads one admin path of the Envoy this agent runs, for the control plane
 * (the admin channel, admin-tunnel.ts): GET on the admin address Envoy wrote
 * into the workdir (`--admin-address-path`), so it follows Envoy across
 * restarts and whatever port it bound.
 *
 * Bounded: only the paths of ADMIN_PATHS, one answer at most
 * ADMIN_ANSWER_LIMIT_BYTES, each read at most `timeoutMs`. A config dump
 * has the dataplane token replaced by `[redacted]`: Envoy shows its
 * bootstrap, where the token is the ADS stream's `authorization` metadata
 * (Envoy itself redacts private keys of the certificates it holds).
 */
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { adminUrlPath, refusedAdminRequest, type AdminRequest } from '../xds/server/index.js';
import { adminTarget } from './envoy-admin.js';

export const REDACTED = '[redacted]';

export interface EnvoyAdminReadOptions {
  /** The file Envoy writes its admin address into. */
  readonly addressFile: string;
  readonly timeoutMs: number;
  readonly limitBytes: number;
  /** Strings never to show (the dataplane token), replaced in config dumps. */
  readonly secrets: readonly string[];
}

export interface EnvoyAdminOutput {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

/** Every occurrence of each secret in `text` replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of secrets) if (secret !== '') redacted = redacted.split(secret).join(REDACTED);
  return redacted;
}

/** A byte count as a person reads it. */
export const sizeOf = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${bytes} bytes`;

function get(
  target: { host: string; port: number },
  path: string,
  options: EnvoyAdminReadOptions,
): Promise<EnvoyAdminOutput> {
  return new Promise((resolve, reject) => {
    let settled = false;
    // Settles once; a request given up on is destroyed without an error, so no socket error goes unheard.
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      reject(error);
      req.destroy();
    };
    const req = httpRequest({ host: target.host, port: target.port, path, timeout: options.timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.limitBytes) fail(new Error(`its answer is larger than ${sizeOf(options.limitBytes)}`));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        if (settled) return;
        settled = true;
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? 'text/plain'),
          body: Buffer.concat(chunks, size),
        });
      });
      response.on('error', fail);
    });
    // A whole-answer deadline: `timeout` alone is per idle socket, and a slow trickle would never trip it.
    const deadline = setTimeout(
      () => fail(new Error(`no complete answer within ${options.timeoutMs / 1000}s`)),
      options.timeoutMs,
    );
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => fail(new Error(`no answer within ${options.timeoutMs / 1000}s`)));
    req.on('error', fail);
    req.end();
  });
}

/** Envoy's answer to `request`; throws an Error saying why there is none (Envoy not up, refused path, too large, too slow). */
export async function readEnvoyAdmin(request: AdminRequest, options: EnvoyAdminReadOptions): Promise<EnvoyAdminOutput> {
  const refused = refusedAdminRequest(request.path, request.query);
  if (refused !== undefined) throw new Error(refused);
  const written = await readFile(options.addressFile, 'utf8').catch(() => undefined);
  const target = written === undefined ? undefined : adminTarget(written);
  if (target === undefined) throw new Error('Envoy is not running, or has not brought its admin API up yet');
  let output: EnvoyAdminOutput;
  try {
    output = await get(target, adminUrlPath(request), options);
  } catch (error) {
    throw new Error(`Envoy's admin API on ${written!.trim()} does not answer: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (request.path !== 'config_dump' || options.secrets.length === 0) return output;
  return { ...output, body: Buffer.from(redactSecrets(output.body.toString('utf8'), options.secrets), 'utf8') };
}
