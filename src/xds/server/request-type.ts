/**
 * What a request's `type_url` names, and the order types are pushed in.
 *
 * - served: one of the five types of resource-types.ts;
 * - unknown: a well-formed type URL we do not serve (ECDS, RTDS, VHDS, ...):
 *   answered once with an empty response, so a client waiting to initialise
 *   that type is not left hanging, then ignored;
 * - malformed: not a type URL at all; the request is ignored and logged.
 *
 * Push order follows the xDS spec's eventual-consistency advice, make before
 * break: clusters, then their endpoints, then listeners, then their routes;
 * secrets last, as they are only requested once something names them.
 * https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#eventual-consistency-considerations
 */
import { isTypeUrl, TypeUrl } from '../index.js';

export type RequestType =
  | { readonly kind: 'served'; readonly typeUrl: TypeUrl }
  | { readonly kind: 'unknown'; readonly typeUrl: string }
  | { readonly kind: 'malformed' };

/** `<prefix>/<full.message.Name>`, as google.protobuf.Any documents type URLs. */
const wellFormed = /^[\x21-\x7e]{1,200}\/[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function classifyTypeUrl(typeUrl: string): RequestType {
  if (isTypeUrl(typeUrl)) return { kind: 'served', typeUrl };
  if (typeUrl.length <= 512 && wellFormed.test(typeUrl)) return { kind: 'unknown', typeUrl };
  return { kind: 'malformed' };
}

export const pushOrder: readonly TypeUrl[] = [
  TypeUrl.Cluster,
  TypeUrl.ClusterLoadAssignment,
  TypeUrl.Listener,
  TypeUrl.RouteConfiguration,
  TypeUrl.Secret,
];

/**
 * Types a client may subscribe to as a whole. Routes, endpoints and secrets
 * are always asked for by name (what a listener or cluster refers to).
 */
export const wildcardTypes: ReadonlySet<TypeUrl> = new Set([TypeUrl.Listener, TypeUrl.Cluster]);
