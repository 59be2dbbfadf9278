/**
 * The main thread's end of the PGlite thread (pglite-thread.ts): starts it,
 * sends requests and matches their replies, and hands notifications to their
 * subscribers.
 *
 * The thread keeps the process alive only while a request waits for its
 * reply, as a database on the main thread would: an idle open database does
 * not stop the process from exiting. If the thread dies (a WASM abort), every
 * waiting and later request fails as Unavailable.
 */
import { Worker } from 'node:worker_threads';
import { KogumaError } from '../../api/index.js';
import { fromWire, type PgliteMessage, type PgliteRequestBody, type PgliteThreadData } from './pglite-protocol.js';

interface Waiting {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class PgliteClient {
  private readonly waiting = new Map<number, Waiting>();
  private readonly subscribers = new Map<number, (payload: string) => void>();
  private nextId = 1;
  /** Why requests fail from now on, once the thread is gone. */
  private gone: KogumaError | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly description: string,
  ) {}

  /** Starts the thread and resolves once the database is open, or rejects with why it did not open. */
  static start(data: PgliteThreadData, description: string): Promise<PgliteClient> {
    const worker = new Worker(new URL('./pglite-thread.js', import.meta.url), { workerData: data });
    const client = new PgliteClient(worker, description);
    return new Promise((resolve, reject) => {
      const failStart = (error: unknown) => {
        void worker.terminate();
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      worker.on('message', (message: PgliteMessage) => {
        if (message.kind === 'opened') {
          worker.unref();
          resolve(client);
        } else if (message.kind === 'openFailed') failStart(fromWire(message.error));
        else client.receive(message);
      });
      worker.on('error', (error) => {
        failStart(error);
        client.fail(`${description} stopped: ${error.message}`);
      });
      worker.on('exit', (code) => {
        failStart(new Error(`the PGlite thread exited (${code}) before the database opened`));
        client.fail(`${description} is closed`);
      });
    });
  }

  /** Sends one request; resolves with the thread's reply value. */
  request<T>(body: PgliteRequestBody): Promise<T> {
    if (this.gone !== undefined) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...body, id });
    });
  }

  subscribe(listener: number, onPayload: (payload: string) => void): void {
    this.subscribers.set(listener, onPayload);
  }

  unsubscribe(listener: number): void {
    this.subscribers.delete(listener);
  }

  /** Closes the database, then ends the thread. */
  async close(): Promise<void> {
    try {
      await this.request({ op: 'close' });
    } finally {
      this.fail(`${this.description} is closed`);
      await this.worker.terminate();
    }
  }

  private receive(message: PgliteMessage): void {
    if (message.kind === 'notify') {
      this.subscribers.get(message.listener)?.(message.payload);
      return;
    }
    if (message.kind !== 'reply') return;
    const waiting = this.waiting.get(message.id);
    if (waiting === undefined) return;
    this.waiting.delete(message.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(fromWire(message.error));
  }

  private fail(reason: string): void {
    this.gone ??= new KogumaError('Unavailable', reason);
    for (const waiting of this.waiting.values()) waiting.reject(this.gone);
    this.waiting.clear();
    this.subscribers.clear();
  }
}
