/**
 * The worker thread PGlite runs in. PGlite executes PostgreSQL as WASM on the
 * thread that calls it: on the main thread its start (half a second to open
 * a database, more to create one) and every statement would stall the event
 * loop that serves xDS and the REST API. In its own thread the database
 * starts while the control plane loads its modules, and statements run beside
 * the engine rather than between its turns.
 *
 * It serves the requests of pglite-protocol.ts one by one as they come;
 * PGlite itself serializes statements and transactions, as it did on the main
 * thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { openPglite } from './pglite-open.js';
import { toWire, type PgliteMessage, type PgliteRequest, type PgliteThreadData } from './pglite-protocol.js';

const port = parentPort!;
const send = (message: PgliteMessage): void => port.postMessage(message);

interface OpenTransaction {
  readonly tx: Transaction;
  /** Commits or rolls back; resolves once PGlite has done it. */
  end(commit: boolean): Promise<void>;
}

/** Thrown inside PGlite's transaction callback to make it roll back. */
const rollback = new Error('rolled back by its caller');

function serve(db: PGlite): void {
  const transactions = new Map<number, OpenTransaction>();
  const listeners = new Map<number, () => Promise<void>>();
  let nextId = 1;

  /** Opens a transaction and resolves with its id once BEGIN has run. */
  const begin = async (): Promise<number> => {
    const id = nextId++;
    let decide!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (decide = resolve));
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    const outcome: Promise<void> = db.transaction(async (tx) => {
      transactions.set(id, {
        tx,
        end: (commit) => {
          decide(commit);
          return outcome.catch((error: unknown) => {
            if (error !== rollback) throw error;
          });
        },
      });
      opened();
      const commit = await decided;
      transactions.delete(id);
      if (!commit) throw rollback;
    });
    // A failed BEGIN rejects `outcome` before the callback ever runs.
    await Promise.race([isOpen, outcome]);
    return id;
  };

  const handle = async (request: PgliteRequest): Promise<unknown> => {
    switch (request.op) {
      case 'query': {
        const target = request.tx === undefined ? db : transactions.get(request.tx)?.tx;
        if (target === undefined) throw new Error(`transaction ${request.tx} is not open`);
        return (await target.query(request.text, [...request.params])).rows;
      }
      case 'begin':
        return begin();
      case 'end': {
        const open = transactions.get(request.tx);
        if (open === undefined) throw new Error(`transaction ${request.tx} is not open`);
        return open.end(request.commit);
      }
      case 'listen': {
        const id = nextId++;
        listeners.set(
          id,
          await db.listen(request.channel, (payload) => send({ kind: 'notify', listener: id, payload })),
        );
        return id;
      }
      case 'unlisten': {
        const stop = listeners.get(request.listener);
        listeners.delete(request.listener);
        return stop?.();
      }
      case 'close':
        return db.close();
    }
  };

  port.on('message', (request: PgliteRequest) => {
    handle(request).then(
      (value) => send({ kind: 'reply', id: request.id, ok: true, value }),
      (error: unknown) => send({ kind: 'reply', id: request.id, ok: false, error: toWire(error) }),
    );
  });
}

const { pgdata, template } = workerData as PgliteThreadData;
try {
  const db = await openPglite(pgdata, template);
  serve(db);
  send({ kind: 'opened' });
} catch (error) {
  send({ kind: 'openFailed', error: toWire(error) });
}
