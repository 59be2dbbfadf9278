/**
 * The `to`, `from` and `rules` sections of a policy. A policy that may carry any
 * of the three must carry at least one, or it configures nothing.
 */
import type { InvalidParameter } from '../../api/index.js';

interface Sections {
  readonly to?: unknown;
  readonly from?: unknown;
  readonly rules?: unknown;
}

/**
 * The issue when none of the sections is given; `field` is the section the
 * policy is usually written with, where the issue is reported. An empty list
 * counts as given (MeshAccessLog, where it means "log nothing", checks its own way).
 */
export function checkSomeSection(spec: Sections, field: 'to' | 'from'): InvalidParameter[] {
  return spec.to === undefined && spec.from === undefined && spec.rules === undefined
    ? [{ field, reason: 'at least one of to, from or rules must be set' }]
    : [];
}
