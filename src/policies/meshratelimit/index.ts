/** MeshRateLimit: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshRateLimitPlugin } from './plugin.js';
import { MeshRateLimitKind } from './schema.js';

export const meshRateLimit = policyModule(MeshRateLimitKind, meshRateLimitPlugin);
