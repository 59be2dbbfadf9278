/** MeshRetry: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshRetryPlugin } from './plugin.js';
import { MeshRetryKind } from './schema.js';

export const meshRetry = policyModule(MeshRetryKind, meshRetryPlugin);
export { defaultMeshRetrySpec } from './schema.js';
