/** MeshAccessLog: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshAccessLogPlugin } from './plugin.js';
import { MeshAccessLogKind } from './schema.js';

export const meshAccessLog = policyModule(MeshAccessLogKind, meshAccessLogPlugin);
