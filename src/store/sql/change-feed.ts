/**
 * The change feed of one store instance: delivers every committed change to
 * the watch listeners in commit order, exactly once, however the notifications
 * arrive.
 *
 *   NOTIFY (seq = last + 1) ─────────────────────────────► deliver
 *   NOTIFY with a gap, LISTEN re-established, store back, ─► catch up: read
 *   a caller waiting for a position, the safety timer        koguma_changes
 *                                                            after `last`
 *
 * NOTIFY is only a hint that something happened: it is lost while the LISTEN
 * connection is down. The change log (migrations.ts) is the truth, and its
 * positions are handed out in commit order, so "every row after the last
 * position delivered" is exactly what this instance has not seen yet. A log
 * pruned past that position cannot be replayed: listeners then get one
 * `resync` event and reload what they keep.
 */
import type { StoreLogger } from '../logger.js';
import type { ChangeEvent, ChangeOp, StoreEvent } from '../types.js';
import { parseChangePayload } from './change-payload.js';
import type { SqlQueryable } from './driver.js';

/** Rows read per statement while catching up. */
const PAGE = 1000;

/** The meta key holding the newest position pruning has removed. */
export const PRUNED_THROUGH_KEY = 'changes_pruned_through';

interface ChangeRow {
  readonly pruned: number | string;
  readonly seq: number | string | null;
  readonly kind: string;
  readonly mesh: string;
  readonly name: string;
  readonly op: ChangeOp;
  readonly version: number | string;
}

// One statement, so the pruning mark and the rows come from one snapshot: a
// prune committing between two statements could otherwise remove rows unseen.
const readAfterStatement = `select m.pruned, c.seq, c.kind, c.mesh, c.name, c.op, c.version
  from (select coalesce((select value::bigint from koguma_meta where key = '${PRUNED_THROUGH_KEY}'), 0) as pruned) m
  left join lateral (select * from koguma_changes where seq > $1 order by seq limit ${PAGE}) c on true
  order by c.seq`;

/** The newest committed position: every in-flight writer holds a larger one (migrations.ts). */
export async function readHead(db: SqlQueryable): Promise<number> {
  const [row] = await db.query<{ head: number | string | null }>(
    `select greatest(coalesce((select max(seq) from koguma_changes), 0),
      coalesce((select value::bigint from koguma_meta where key = '${PRUNED_THROUGH_KEY}'), 0)) as head`,
  );
  return Number(row?.head ?? 0);
}

export interface ChangeFeedOptions {
  readonly db: SqlQueryable;
  readonly schema: string;
  readonly emit: (event: StoreEvent) => void;
  readonly logger: StoreLogger;
}

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
}

export class ChangeFeed {
  private last = 0;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  constructor(private readonly options: ChangeFeedOptions) {}

  /** Starts from the newest committed change: what is in the store now is read by listing it. */
  async start(): Promise<void> {
    this.last = await readHead(this.options.db);
  }

  /** The last position delivered. */
  get position(): number {
    return this.last;
  }

  /** A NOTIFY payload: delivered at once when it is the next change, else a hint to read the log. */
  onNotification(payload: string): void {
    const parsed = parseChangePayload(payload, this.options.schema);
    if (parsed.type === 'foreign') return;
    if (parsed.type === 'malformed') {
      this.options.logger.warn({ payload }, 'ignored a malformed change notification; reading the change log instead');
      void this.catchUp();
      return;
    }
    const { event } = parsed;
    if (event.seq <= this.last) return;
    if (this.reading === undefined && event.seq === this.last + 1) this.deliver(event);
    else void this.catchUp();
  }

  /** Reads every change after the last delivered one. Concurrent calls share reads; never rejects. */
  catchUp(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.reading !== undefined) {
      // The read under way may have passed what the caller needs: read once more after it.
      this.readAgain = true;
      return this.reading;
    }
    this.reading = this.readUntilCurrent().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** Resolves once `seq` has been delivered; reads the log if it has not been yet. */
  delivered(seq: number): Promise<void> {
    if (seq <= this.last || this.closed) return Promise.resolve();
    const waiting = new Promise<void>((resolve) => this.waiters.add({ seq, resolve }));
    void this.catchUp();
    return waiting;
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }

  private async readUntilCurrent(): Promise<void> {
    do {
      this.readAgain = false;
      try {
        while (!this.closed && (await this.readPage()) === PAGE);
      } catch (error) {
        // The store is down; its recovery (or the next notification) reads again.
        this.options.logger.debug({ err: error }, 'cannot read the change log now');
        return;
      }
    } while (this.readAgain && !this.closed);
  }

  /** Reads and delivers one page; returns how many changes it held. */
  private async readPage(): Promise<number> {
    const rows = await this.options.db.query<ChangeRow>(readAfterStatement, [this.last]);
    const pruned = Number(rows[0]?.pruned ?? 0);
    if (this.last < pruned) {
      // The log no longer holds every change after our position.
      const head = await readHead(this.options.db);
      this.options.logger.warn(
        { from: this.last, to: head },
        'the change log was pruned past this instance; reloading everything',
      );
      this.last = head;
      this.options.emit({ op: 'resync', seq: head });
      this.resolveWaiters();
      return 0;
    }
    let count = 0;
    for (const row of rows) {
      if (row.seq === null) continue;
      count += 1;
      this.deliver({
        seq: Number(row.seq),
        kind: row.kind,
        mesh: row.mesh,
        name: row.name,
        op: row.op,
        version: Number(row.version),
      });
    }
    return count;
  }

  private deliver(event: ChangeEvent): void {
    if (this.closed) return;
    this.last = event.seq;
    this.options.emit(event);
    this.resolveWaiters();
  }

  private resolveWaiters(): void {
    for (const waiter of this.waiters) {
      if (waiter.seq > this.last) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}

/**
 * Removes changes older than `retentionMs`, always keeping the newest (the
 * head), and records the newest position removed so a reader that was behind
 * it knows to resync. Any instance may run it; concurrent runs are harmless.
 */
export async function pruneChangeLog(db: SqlQueryable, retentionMs: number): Promise<number> {
  const rows = await db.query<{ pruned: number | string | null }>(
    `with gone as (
       delete from koguma_changes
        where committed_at < now() - $1::float8 * interval '1 millisecond'
          and seq < (select max(seq) from koguma_changes)
        returning seq)
     insert into koguma_meta (key, value)
       select '${PRUNED_THROUGH_KEY}', max(seq)::text from gone having count(*) > 0
     on conflict (key) do update set value = greatest(koguma_meta.value::bigint, excluded.value::bigint)::text
     returning value as pruned`,
    [retentionMs],
  );
  return rows.length;
}
