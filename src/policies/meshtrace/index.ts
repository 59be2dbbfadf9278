/** MeshTrace: its kind, as the policy registry (policies/index.ts) lists it; no plugin yet (stored and served, it configures no proxy). */
import { policyModule } from '../core/index.js';
import { MeshTraceKind } from './schema.js';

export const meshTrace = policyModule(MeshTraceKind);
