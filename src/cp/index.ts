/**
 * Public surface of the composition root. It stays light on purpose: every
 * CLI command imports it, and only `koguma cp run` needs the store, fastify
 * and the rest, so `startControlPlane` loads them on first call. The kind
 * registry and the policy plugins (catalogue.ts) are not exported here
 * either: the commands that need them import that module.
 */
import type { ControlPlaneConfig } from './config.js';
import type { RunningControlPlane, StartOptions } from './control-plane.js';

export async function startControlPlane(
  config: ControlPlaneConfig,
  options: StartOptions = {},
): Promise<RunningControlPlane> {
  const composition = await import('./control-plane.js');
  return composition.startControlPlane(config, options);
}

export type { RunningControlPlane, StartOptions } from './control-plane.js';
export {
  resolveConfig,
  publicConfig,
  settings,
  type ControlPlaneConfig,
  type StoreType,
  type LogLevel,
  type DpAuthMode,
} from './config.js';
