/** MeshTrafficPermission: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshTrafficPermissionPlugin } from './plugin.js';
import { MeshTrafficPermissionKind } from './schema.js';

export const meshTrafficPermission = policyModule(MeshTrafficPermissionKind, meshTrafficPermissionPlugin);
