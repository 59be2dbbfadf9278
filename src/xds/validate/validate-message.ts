/**
 * validateMessage: the PGV rules of a protobuf-es message and of everything it
 * contains, as a list of violations (empty when Envoy's validator would accept
 * the message). See walk.ts for what is visited and violation.ts for how
 * paths and rule names are written.
 *
 *   const violations = validateMessage(ClusterSchema, cluster);
 *   // [{ path: 'name', rule: 'string.min_len', message: 'length must be at least 1 characters, got 0' }]
 */
import type { DescMessage, Message, Registry } from '@bufbuild/protobuf';
import { reflect } from '@bufbuild/protobuf/reflect';
import { envoyRegistry } from './registry.js';
import { walkMessage } from './walk.js';
import type { Violation } from './violation.js';

export interface ValidateOptions {
  /** Where the types packed in google.protobuf.Any are looked up; envoyRegistry by default. */
  readonly registry?: Registry;
  /** The clock for timestamp lt_now / gt_now / within; the system clock by default. */
  readonly now?: () => Date;
}

/** Throws when `message` is not a `schema` message: that is a caller's bug, not a violation. */
export function validateMessage(schema: DescMessage, message: Message, options: ValidateOptions = {}): Violation[] {
  if (message.$typeName !== schema.typeName) {
    throw new TypeError(`validateMessage: got a ${message.$typeName} to validate as ${schema.typeName}`);
  }
  const now = options.now?.() ?? new Date();
  const ctx = { registry: options.registry ?? envoyRegistry, nowNanos: BigInt(now.getTime()) * 1_000_000n, out: [] };
  walkMessage(ctx, reflect(schema, message), '');
  return ctx.out;
}
