/** Public surface of the resource manager. */
export { ResourceManager, DEFAULT_MESH, type PutOptions, type PutResult } from './resource-manager.js';
export { initialPolicyDrafts } from './mesh-defaults.js';
export { COMPUTED_LABELS, LOCAL_ZONE, type ControlPlaneMode } from './computed-labels.js';
