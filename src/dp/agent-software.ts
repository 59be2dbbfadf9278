/**
 * What `koguma dp run` tells the control plane about itself in the bootstrap
 * request (Kuma's `version` and `features`), which the control plane puts in
 * Envoy's node metadata and shows in the proxy's insight:
 *
 *   version.kumaDp  the agent's release (its build's tag, commit and date are not recorded, so not sent)
 *   version.envoy   the release and build line of the Envoy it runs, read from `envoy --version`;
 *                   `kumaDpCompatible` is true, since the agent refuses an Envoy it does not support
 *   features        none of Kuma's: each promises something the agent does not do (a TCP access
 *                   log pipe, transparent proxying, bound outbounds, SPIRE, a readiness socket,
 *                   an OpenTelemetry relay, SO_REUSEPORT listeners, unified resource names), and
 *                   a control plane or GUI relying on one would be misled. Sent empty, so that
 *                   "supports nothing extra" is said rather than left unknown.
 */
import { productVersion } from '../api/index.js';
import type { EnvoyBuild } from './envoy-version.js';

export const AGENT_FEATURES: readonly string[] = [];

export interface AgentSoftware {
  readonly version: {
    readonly kumaDp: { readonly version: string };
    readonly envoy?: { readonly version: string; readonly build?: string; readonly kumaDpCompatible: boolean };
  };
  readonly features: readonly string[];
}

export const agentSoftware = (envoy?: EnvoyBuild): AgentSoftware => ({
  version: {
    kumaDp: { version: productVersion },
    ...(envoy === undefined ? {} : { envoy: { ...envoy, kumaDpCompatible: true } }),
  },
  features: AGENT_FEATURES,
});
