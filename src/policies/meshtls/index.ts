/** MeshTLS: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshTLSPlugin } from './plugin.js';
import { MeshTLSKind } from './schema.js';

export const meshTLS = policyModule(MeshTLSKind, meshTLSPlugin);
