/** MeshCircuitBreaker: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshCircuitBreakerPlugin } from './plugin.js';
import { MeshCircuitBreakerKind } from './schema.js';

export const meshCircuitBreaker = policyModule(MeshCircuitBreakerKind, meshCircuitBreakerPlugin);
export { defaultMeshCircuitBreakerSpec } from './schema.js';
