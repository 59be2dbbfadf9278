/** MeshAccessLog: its kind, as the policy registry (policies/index.ts) lists it; no plugin yet (stored and served, it configures no proxy). */
import { policyModule } from '../core/index.js';
import { MeshAccessLogKind } from './schema.js';

export const meshAccessLog = policyModule(MeshAccessLogKind);
