/**
 * One HTTP/1.1 POST to the control plane, over `http:` or `https:` with a CA
 * of our own. Node's clients rather than fetch: Node 20's fetch takes no CA
 * without undici's dispatcher, which is not ours to import.
 *
 * A network failure rejects with an Error whose message is the socket's own
 * reason, plus a hint for the usual TLS mistakes (network-reason.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { networkReason } from './network-reason.js';

export interface PostAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface PostOptions {
  readonly headers: Readonly<Record<string, string>>;
  /** PEM of the CA(s) to verify an `https:` server with; only these are trusted. */
  readonly ca?: string;
  readonly timeoutMs: number;
}

/** A bootstrap is a few kilobytes; anything near this is not one. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export function post(url: string, body: string, options: PostOptions): Promise<PostAnswer> {
  const secure = url.startsWith('https:');
  return new Promise((resolvePromise, rejectPromise) => {
    // The whole exchange, not the socket's idle time: a trickling answer must not outlast it.
    const timer = setTimeout(() => request.destroy(new Error('no answer in time')), options.timeoutMs);
    const resolve = (answer: PostAnswer): void => (clearTimeout(timer), resolvePromise(answer));
    const reject = (error: Error): void => (clearTimeout(timer), rejectPromise(error));
    const requestOptions: https.RequestOptions = {
      method: 'POST',
      headers: { ...options.headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
      ...(secure && options.ca !== undefined ? { ca: options.ca } : {}),
    };
    const request = (secure ? https : http).request(url, requestOptions, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) request.destroy(new Error(`the answer is over ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', (error) => reject(new Error(networkReason(error, secure))));
    });
    request.on('error', (error: NodeJS.ErrnoException) => reject(new Error(networkReason(error, secure))));
    request.end(body);
  });
}
