/** Public surface of the resource manager. */
export { ResourceManager, DEFAULT_MESH, type PutResult } from './resource-manager.js';
export { initialPolicyDrafts } from './mesh-defaults.js';
export { LOCAL_ZONE, computeLabels } from './computed-labels.js';
