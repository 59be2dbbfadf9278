/**
 * The seam between the SQL store and a database client. The store, its SQL and
 * its migrations are written once against this interface; a driver only moves
 * statements and notifications (pglite-driver.ts for the embedded database,
 * postgres-driver.ts for a PostgreSQL server).
 *
 * Drivers throw KogumaError only (see errors.ts): a raw client error never
 * leaves a driver, so nothing above it depends on one client's error shapes.
 */

/** Parameter values the store passes. JSON goes as text and is cast in SQL (`$1::text::jsonb`). */
export type SqlParam = string | number | null | readonly string[];

export interface SqlQueryable {
  /** Runs one statement and returns its rows (empty for statements without rows). */
  query<Row extends object>(text: string, params?: readonly SqlParam[]): Promise<Row[]>;
}

export interface SqlDriver extends SqlQueryable {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Subscribes to NOTIFY on `channel`; resolves once listening, to the function
   * that stops it. A driver whose connection can drop subscribes again by
   * itself and calls `onSubscribed` each time it is listening again:
   * notifications sent in between are lost, and the caller reads what it missed.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onSubscribed?: () => void,
  ): Promise<() => Promise<void>>;
  /** What this driver talks to, for `ResourceStore.description` (never a password). */
  readonly description: string;
  close(): Promise<void>;
}
