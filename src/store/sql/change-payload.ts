/**
 * Reads the JSON the change trigger (migrations.ts) sends with NOTIFY. A payload
 * from another schema belongs to another deployment sharing the database and is
 * not ours; a payload that does not parse is reported and dropped rather than
 * delivered half-read.
 */
import type { ChangeEvent, ChangeOp } from '../types.js';

const ops: ReadonlySet<string> = new Set<ChangeOp>(['created', 'updated', 'deleted']);

interface Payload {
  readonly schema?: unknown;
  readonly seq?: unknown;
  readonly kind?: unknown;
  readonly mesh?: unknown;
  readonly name?: unknown;
  readonly op?: unknown;
  readonly version?: unknown;
}

export type ParsedPayload =
  | { readonly type: 'event'; readonly event: ChangeEvent }
  | { readonly type: 'foreign' }
  | { readonly type: 'malformed' };

export function parseChangePayload(text: string, schema: string): ParsedPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { type: 'malformed' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { type: 'malformed' };
  const payload = parsed as Payload;
  if (payload.schema !== schema) return { type: 'foreign' };
  const { seq, kind, mesh, name, op, version } = payload;
  if (
    typeof seq !== 'number' ||
    typeof kind !== 'string' ||
    typeof mesh !== 'string' ||
    typeof name !== 'string' ||
    typeof op !== 'string' ||
    !ops.has(op) ||
    typeof version !== 'number'
  ) {
    return { type: 'malformed' };
  }
  return { type: 'event', event: { kind, mesh, name, op: op as ChangeOp, version, seq } };
}
