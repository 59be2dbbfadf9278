/** Public surface of the composition root. */
export { startControlPlane, type RunningControlPlane, type StartOptions } from './control-plane.js';
export { resolveConfig, publicConfig, settings, type ControlPlaneConfig, type StoreType, type LogLevel } from './config.js';
export { productVersion } from './version.js';
