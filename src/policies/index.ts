/**
 * The policy registry: one line per policy kind. The order each plugin applies
 * in is part of the kind (`definePolicy({order})`).
 */
import type { KindDescriptor } from '../api/kind.js';
import { MeshTimeoutKind } from './meshtimeout/schema.js';

export const policyKinds: readonly KindDescriptor[] = [
  MeshTimeoutKind,
];

export { definePolicy, checkPolicyTargetRefs } from './core/define-policy.js';
export { TargetRef, TARGET_REF_KINDS, TOP_LEVEL_KINDS, TO_KINDS, FROM_KINDS, type TargetRefKind } from './core/targetref.js';
