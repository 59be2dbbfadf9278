/**
 * The messages between the PGlite driver (main thread) and the thread PGlite
 * runs in (pglite-thread.ts). One request, one reply, matched by `id`;
 * notifications come unasked, tagged with the subscription they belong to.
 *
 *   main ── query / begin / end / listen / unlisten / close ──► thread
 *   main ◄── opened | openFailed, reply {id}, notify {listener} ── thread
 *
 * A transaction stays open in the thread between `begin` and `end`, and the
 * statements sent in between name it (`tx`), so a transaction spans messages
 * exactly as it spanned awaits when PGlite ran on the main thread.
 */
import type { SqlParam } from './driver.js';

export interface PgliteThreadData {
  /** The database's folder; in memory when undefined. */
  readonly pgdata: string | undefined;
  /** The template tarball for a new database (pglite-template.ts), if there is one. */
  readonly template: string | undefined;
}

export type PgliteRequestBody =
  | { readonly op: 'query'; readonly text: string; readonly params: readonly SqlParam[]; readonly tx?: number }
  | { readonly op: 'begin' }
  | { readonly op: 'end'; readonly tx: number; readonly commit: boolean }
  | { readonly op: 'listen'; readonly channel: string }
  | { readonly op: 'unlisten'; readonly listener: number }
  | { readonly op: 'close' };

export type PgliteRequest = PgliteRequestBody & { readonly id: number };

export type PgliteMessage =
  | { readonly kind: 'opened' }
  | { readonly kind: 'openFailed'; readonly error: WireError }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: WireError }
  | { readonly kind: 'notify'; readonly listener: number; readonly payload: string };

/**
 * An error as it crosses threads. Structured cloning keeps an Error's message
 * but drops its own fields, and the SQLSTATE on `code` is what errors.ts
 * translates; so the fields a database error carries are copied explicitly.
 */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, string>>;
}

const databaseErrorFields = [
  'code',
  'severity',
  'detail',
  'hint',
  'constraint',
  'table',
  'column',
  'schema',
  'routine',
] as const;

export function toWire(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, string> = {};
  for (const key of databaseErrorFields) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string') fields[key] = value;
  }
  return { name: error.name, message: error.message, fields };
}

export function fromWire(wire: WireError): Error {
  const error = Object.assign(new Error(wire.message), wire.fields);
  error.name = wire.name;
  return error;
}
