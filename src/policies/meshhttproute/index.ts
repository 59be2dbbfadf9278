/** MeshHTTPRoute: its kind and its plugin, as the policy registry (policies/index.ts) lists it. */
import { policyModule } from '../core/index.js';
import { meshHttpRoutePlugin } from './plugin.js';
import { MeshHTTPRouteKind } from './schema.js';

export const meshHTTPRoute = policyModule(MeshHTTPRouteKind, meshHttpRoutePlugin);
export { httpRouteRulesFor, mergedHttpRules, type MergedHttpRule } from './rules.js';
export { BackendClusters } from './backends.js';
