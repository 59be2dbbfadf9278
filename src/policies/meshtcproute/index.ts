/** MeshTCPRoute: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshTcpRoutePlugin } from './plugin.js';
import { MeshTCPRouteKind } from './schema.js';

export const meshTCPRoute = policyModule(MeshTCPRouteKind, meshTcpRoutePlugin);
