/**
 * Switching an Envoy inbound listener between the two mTLS modes the Envoy
 * generator (xds/generate/envoy.ts) builds, in place on a copy the caller
 * owns, keeping whatever earlier edits did to its filters:
 *
 *   STRICT      [chain: filters (RBAC ...), TLS]
 *   PERMISSIVE  listener filter tls_inspector,
 *               [chain match tls: filters (RBAC ...), TLS,
 *                chain match raw_buffer: the same filters without RBAC, no TLS]
 *
 * A plaintext caller has no identity, so RBAC on the plaintext chain could
 * only deny everyone: the generator leaves it out there, and so does this.
 */
import { clone, create } from '@bufbuild/protobuf';
import {
  FilterChainMatchSchema,
  FilterChainSchema,
  type FilterChain,
} from '../../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import type { Listener } from '../../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { editChainConnectionManagers } from './listener-edits.js';
import { HTTP_RBAC_FILTER_NAME, NETWORK_RBAC_FILTER_NAME } from './rbac.js';
import { TLS_INSPECTOR_NAME, tlsInspectorFilter } from './tls.js';

const matchesTransport = (chain: FilterChain, protocol: 'tls' | 'raw_buffer'): boolean =>
  chain.filterChainMatch?.transportProtocol === protocol;

/** The plaintext twin of a TLS chain: no TLS, no RBAC. */
function plaintextChainOf(secured: FilterChain): FilterChain {
  const plain = clone(FilterChainSchema, secured);
  delete plain.transportSocket;
  plain.filterChainMatch = create(FilterChainMatchSchema, { transportProtocol: 'raw_buffer' });
  plain.filters = plain.filters.filter((filter) => filter.name !== NETWORK_RBAC_FILTER_NAME);
  editChainConnectionManagers(plain, (hcm) => {
    hcm.httpFilters = hcm.httpFilters.filter((filter) => filter.name !== HTTP_RBAC_FILTER_NAME);
  });
  return plain;
}

/** A STRICT inbound listener made PERMISSIVE; one that already takes plaintext is left as it is. */
export function makeInboundPermissive(listener: Listener): void {
  if (listener.filterChains.some((chain) => matchesTransport(chain, 'raw_buffer') || !chain.transportSocket)) return;
  const secured = listener.filterChains;
  listener.filterChains = [
    ...secured.map((chain) => {
      if (chain.filterChainMatch) chain.filterChainMatch.transportProtocol = 'tls';
      else chain.filterChainMatch = create(FilterChainMatchSchema, { transportProtocol: 'tls' });
      return chain;
    }),
    ...secured.map(plaintextChainOf),
  ];
  if (!listener.listenerFilters.some((filter) => filter.name === TLS_INSPECTOR_NAME))
    listener.listenerFilters.push(tlsInspectorFilter());
}

/** A PERMISSIVE inbound listener made STRICT: only its TLS chains stay, taking every connection. */
export function makeInboundStrict(listener: Listener): void {
  if (!listener.filterChains.some((chain) => matchesTransport(chain, 'raw_buffer'))) return;
  listener.filterChains = listener.filterChains.filter((chain) => !matchesTransport(chain, 'raw_buffer'));
  for (const chain of listener.filterChains) if (matchesTransport(chain, 'tls')) delete chain.filterChainMatch;
  listener.listenerFilters = listener.listenerFilters.filter((filter) => filter.name !== TLS_INSPECTOR_NAME);
}
