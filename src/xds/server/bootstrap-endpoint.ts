/**
 * `POST /bootstrap` on the DP server port: reads the JSON body and hands it,
 * with the Accept header, to the injected bootstrap handler (the bootstrap
 * module, written elsewhere, builds Envoy's or gRPC's bootstrap document).
 * This module only does HTTP: method, size limit, JSON, and error bodies in
 * the REST API's shape ({type: "/std-errors", status, title, detail}).
 * Served over HTTP/1.1 and HTTP/2 alike (dp-server.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Logger } from 'pino';
import { httpStatusOf, isKogumaError, titleOf, type ErrorCode } from '../../api/index.js';

export interface BootstrapAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Uint8Array;
}

/** Builds the answer to a bootstrap request; refuses by throwing a KogumaError. */
export type BootstrapHandler = (body: unknown, accept: string | undefined) => Promise<BootstrapAnswer>;

export const bootstrapPath = '/bootstrap';

type Request = IncomingMessage | Http2ServerRequest;
/** What both HTTP/1 and HTTP/2 responses offer, and all this endpoint uses. */
interface Response {
  statusCode: number;
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  end(body: string | Uint8Array): unknown;
}

export interface BootstrapEndpointOptions {
  readonly handler: BootstrapHandler;
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
}

export function bootstrapEndpoint(options: BootstrapEndpointOptions): (request: Request, response: Response) => void {
  return (request, response) => {
    void answer(request, options).then(
      (result) => send(response, result),
      (error: unknown) => {
        options.logger.error({ err: error }, 'bootstrap request failed');
        send(response, errorAnswer('Internal', 'the control plane failed to build a bootstrap; see its log'));
      },
    );
  };
}

async function answer(request: Request, options: BootstrapEndpointOptions): Promise<BootstrapAnswer> {
  if (request.method !== 'POST') {
    return { ...errorAnswer('InvalidInput', `${bootstrapPath} accepts POST only`), status: 405 };
  }
  const raw = await readBody(request, options.bodyLimitBytes);
  if (raw === undefined) {
    return errorAnswer('PayloadTooLarge', `request body is larger than ${options.bodyLimitBytes} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    return errorAnswer('InvalidInput', `body is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return await options.handler(body, request.headers.accept);
  } catch (error) {
    if (isKogumaError(error)) return errorAnswer(error.code, error.message);
    throw error;
  }
}

/** The body as text, or undefined past the limit (the rest is not read). */
async function readBody(request: Request, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function errorAnswer(code: ErrorCode, detail: string): BootstrapAnswer {
  const status = httpStatusOf[code];
  return {
    status,
    contentType: 'application/json',
    body: JSON.stringify({ type: '/std-errors', status, title: titleOf[code], detail }),
  };
}

function send(response: Response, answer: BootstrapAnswer): void {
  if (response.headersSent) return;
  response.statusCode = answer.status;
  response.setHeader('content-type', answer.contentType);
  if (answer.status === 405) response.setHeader('allow', 'POST');
  response.end(answer.body);
}
