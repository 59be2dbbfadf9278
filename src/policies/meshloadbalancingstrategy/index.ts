/** MeshLoadBalancingStrategy: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshLoadBalancingStrategyPlugin } from './plugin.js';
import { MeshLoadBalancingStrategyKind } from './schema.js';

export const meshLoadBalancingStrategy = policyModule(MeshLoadBalancingStrategyKind, meshLoadBalancingStrategyPlugin);
