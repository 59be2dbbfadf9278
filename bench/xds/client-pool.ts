/**
 * The simulated proxies, spread over worker threads (client-worker.ts) so
 * that thousands of streams are not all on the bench's own event loop. The
 * pool speaks to the workers in request/reply messages and merges their
 * answers back into the order of the node ids it was given.
 */
import { Worker } from 'node:worker_threads';
import { clientTypes, type XdsProtocol } from './ads-client.js';
import { nowMs, sleep } from './clock.js';
import type { WorkerCollect, WorkerCommand, WorkerSetup, WorkerStatus } from './client-worker.js';

export interface PoolOptions {
  readonly url: string;
  readonly protocol: XdsProtocol;
  readonly nodeIds: readonly string[];
  readonly workers: number;
  /** New connections per second, over all workers. */
  readonly connectRate: number;
  readonly gzip: boolean;
}

export interface Collected {
  /** First ACK after the mark, per client (pool order) and type index (clientTypes); NaN when none. */
  readonly firstAfterMark: (clientIndex: number, typeUrl: string) => number;
  readonly samples: Record<string, Uint8Array>;
}

/** Starting 5,000 clients at 100 per second takes 50 s; no command should take longer than this. */
const commandTimeoutMs = 180_000;

interface Handle {
  readonly worker: Worker;
  readonly offset: number;
  readonly count: number;
}

export class ClientPool {
  private readonly handles: Handle[] = [];
  private readonly waiting = new Map<number, { resolve: (reply: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor(private readonly options: PoolOptions) {
    const { nodeIds } = options;
    const workers = Math.max(1, Math.min(options.workers, nodeIds.length));
    const share = Math.ceil(nodeIds.length / workers);
    for (let offset = 0; offset < nodeIds.length; offset += share) {
      const slice = nodeIds.slice(offset, offset + share);
      const setup: WorkerSetup = {
        url: options.url,
        protocol: options.protocol,
        nodeIds: slice,
        connectRate: options.connectRate / workers,
        gzip: options.gzip,
      };
      const worker = new Worker(new URL('./client-worker.js', import.meta.url), { workerData: setup });
      worker.on('message', ({ id, reply }: { id: number; reply: unknown }) => {
        this.waiting.get(id)?.resolve(reply);
        this.waiting.delete(id);
      });
      worker.on('error', (error) => {
        for (const { reject } of this.waiting.values()) reject(new Error(`a client worker failed: ${String(error)}`));
        this.waiting.clear();
      });
      this.handles.push({ worker, offset, count: slice.length });
    }
  }

  get size(): number {
    return this.options.nodeIds.length;
  }

  async start(): Promise<void> {
    await this.all({ cmd: 'start' });
  }

  async status(): Promise<WorkerStatus> {
    const parts = (await this.all({ cmd: 'status' })) as WorkerStatus[];
    return {
      ready: parts.reduce((n, p) => n + p.ready, 0),
      ended: parts.reduce((n, p) => n + p.ended, 0),
      reconnects: parts.reduce((n, p) => n + p.reconnects, 0),
      acks: parts.reduce((n, p) => n + p.acks, 0),
      lastAckAt: Math.max(...parts.map((p) => p.lastAckAt)),
      errors: parts.flatMap((p) => p.errors),
    };
  }

  /**
   * Resolves once every client holds a complete configuration and no ACK
   * was seen for `quietMs`; throws after `timeoutMs` or when streams end.
   */
  async waitSettled(timeoutMs: number, quietMs = 300): Promise<{ lastAckAt: number; reconnects: number }> {
    const started = nowMs();
    for (;;) {
      const status = await this.status();
      if (status.ended > 0)
        throw new Error(`${status.ended} xDS streams ended: ${status.errors.slice(0, 3).join('; ')}`);
      if (status.ready === this.size && nowMs() - status.lastAckAt >= quietMs)
        return { lastAckAt: status.lastAckAt, reconnects: status.reconnects };
      if (nowMs() - started > timeoutMs)
        throw new Error(`only ${status.ready} of ${this.size} clients ready after ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  async mark(): Promise<void> {
    await this.all({ cmd: 'mark' });
  }

  /** Clients with an ACK (of `typeUrl`, or of any type) since the mark. */
  async progress(typeUrl?: string): Promise<number> {
    const parts = (await this.all(
      typeUrl === undefined ? { cmd: 'progress' } : { cmd: 'progress', typeUrl },
    )) as number[];
    return parts.reduce((n, p) => n + p, 0);
  }

  async collect(): Promise<Collected> {
    const parts = (await this.all({ cmd: 'collect' })) as WorkerCollect[];
    const types = clientTypes.length;
    const merged = new Float64Array(this.size * types);
    const samples: Record<string, Uint8Array> = {};
    parts.forEach((part, i) => {
      merged.set(part.firstAfterMark, this.handles[i]!.offset * types);
      for (const [typeUrl, bytes] of Object.entries(part.samples)) samples[typeUrl] ??= bytes;
    });
    return {
      firstAfterMark: (clientIndex, typeUrl) =>
        merged[clientIndex * types + (clientTypes as readonly string[]).indexOf(typeUrl)]!,
      samples,
    };
  }

  async stop(): Promise<void> {
    await Promise.race([this.all({ cmd: 'stop' }), sleep(5_000)]);
    await Promise.all(this.handles.map((h) => h.worker.terminate()));
  }

  /** Sends a command to every worker; rejects when one fails or does not answer within `commandTimeoutMs`. */
  private all(command: WorkerCommand): Promise<unknown[]> {
    return Promise.all(
      this.handles.map(
        (handle) =>
          new Promise<unknown>((resolve, reject) => {
            const id = this.nextId++;
            const timer = setTimeout(() => {
              this.waiting.delete(id);
              reject(new Error(`a client worker did not answer "${command.cmd}" within ${commandTimeoutMs} ms`));
            }, commandTimeoutMs);
            this.waiting.set(id, {
              resolve: (reply) => (clearTimeout(timer), resolve(reply)),
              reject: (error) => (clearTimeout(timer), reject(error)),
            });
            handle.worker.postMessage({ id, command });
          }),
      ),
    );
  }
}
