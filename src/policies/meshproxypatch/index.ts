/** MeshProxyPatch: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshProxyPatchPlugin } from './plugin.js';
import { MeshProxyPatchKind } from './schema.js';

export const meshProxyPatch = policyModule(MeshProxyPatchKind, meshProxyPatchPlugin);
