/** MeshTimeout: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshTimeoutPlugin } from './plugin.js';
import { MeshTimeoutKind } from './schema.js';

export const meshTimeout = policyModule(MeshTimeoutKind, meshTimeoutPlugin);
export { defaultMeshTimeoutSpec } from './schema.js';
