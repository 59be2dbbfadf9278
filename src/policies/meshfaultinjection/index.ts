/** MeshFaultInjection: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshFaultInjectionPlugin } from './plugin.js';
import { MeshFaultInjectionKind } from './schema.js';

export const meshFaultInjection = policyModule(MeshFaultInjectionKind, meshFaultInjectionPlugin);
