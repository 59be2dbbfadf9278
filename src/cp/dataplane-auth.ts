/**
 * How the DP server knows which dataplane is on the other end, chosen by
 * `--dp-auth`:
 *   dpToken  /bootstrap and every ADS stream need a dataplane token that
 *            allows the dataplane (src/auth, token-identity.ts)
 *   none     every proxy is who it says it is: for local development, and for
 *            proxyless applications until dp run relays their xDS with a token
 */
import type { Logger } from 'pino';
import { DataplaneAuthenticator, type TaggedNetworking } from '../auth/index.js';
import type { ResourceStore } from '../store/index.js';
import { tokenIdentity, trustClaimedIdentity, type IdentifyNode } from '../xds/server/index.js';
import type { DpAuthMode } from './config.js';

export interface DataplaneAuth {
  readonly identify: IdentifyNode;
  /** Checks bootstrap requests; undefined when dataplanes are not authenticated. */
  readonly bootstrap?: Pick<DataplaneAuthenticator, 'verify'>;
  close(): void;
}

export const DP_AUTH_NONE_WARNING =
  'dataplane authentication is off (--dp-auth none): any process that can reach the DP server can register as any dataplane ' +
  'and receive its configuration and certificates; use this for local development only';

export function dataplaneAuthFor(mode: DpAuthMode, store: ResourceStore, logger: Logger): DataplaneAuth {
  if (mode === 'none') {
    logger.warn(DP_AUTH_NONE_WARNING);
    return { identify: trustClaimedIdentity, close: () => {} };
  }
  const authenticator = new DataplaneAuthenticator({ store, logger });
  const identify = tokenIdentity({
    authenticator,
    storedDataplane: async (mesh, name) =>
      (await store.get({ kind: 'Dataplane', mesh, name }))?.spec as TaggedNetworking | undefined,
  });
  return { identify, bootstrap: authenticator, close: () => authenticator.close() };
}
