/** MeshHealthCheck: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshHealthCheckPlugin } from './plugin.js';
import { MeshHealthCheckKind } from './schema.js';

export const meshHealthCheck = policyModule(MeshHealthCheckKind, meshHealthCheckPlugin);
