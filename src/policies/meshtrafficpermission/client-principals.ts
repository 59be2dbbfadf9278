/**
 * Client identities as RBAC principals. With mesh mTLS a client proves who it
 * is by the URI SANs of its workload certificate (src/mtls/identity-uris.ts):
 * `spiffe://<mesh>/<service>` for each of its services and `kuma://<tag>/<value>`
 * for each of its tags. So a client group given as tags becomes "carries all
 * of these SANs":
 *
 *   Mesh                                  spiffe://<mesh>/ as a prefix (any member)
 *   MeshService frontend                  spiffe://<mesh>/frontend
 *   MeshSubset {team: a, env: prod}       member AND kuma://env/prod AND kuma://team/a
 *   MeshServiceSubset frontend {env: prod} spiffe://<mesh>/frontend AND kuma://env/prod
 *
 * Mesh membership is a prefix match rather than `any`: the inbound TLS context
 * already demands such a SAN, but the principal stays right on its own, so a
 * plaintext connection (PERMISSIVE mode, or a gRPC server without TLS) can
 * never satisfy it.
 */
import type { Labels } from '../../api/index.js';
import { kumaTagUri, SERVICE_TAG, spiffeId, spiffeTrustDomain } from '../../mtls/index.js';
import type { Principal } from '../../xds/envoy/gen/envoy/config/rbac/v3/rbac_pb.js';
import { type SanMatch, allOfPrincipals, authenticatedPrincipal } from '../../xds/generate/index.js';
import type { Match } from './schema.js';

/** Any workload of the mesh: a SPIFFE ID in the mesh's trust domain. */
export const meshMemberSan = (mesh: string): SanMatch => ({ prefix: `${spiffeTrustDomain(mesh)}/` });

/** The SANs proving `tags`: the service's SPIFFE ID first, then one kuma:// URI per other tag, by tag name. */
export function sansOfTags(mesh: string, tags: Labels): SanMatch[] {
  const service = tags[SERVICE_TAG];
  const others = Object.keys(tags)
    .filter((tag) => tag !== SERVICE_TAG)
    .sort()
    .map((tag) => ({ exact: kumaTagUri(tag, tags[tag]!) }));
  return service === undefined ? others : [{ exact: spiffeId(mesh, service) }, ...others];
}

/** Members of the mesh carrying every tag of `tags` (an empty `tags`: every member). */
export function groupPrincipal(mesh: string, tags: Labels): Principal {
  const membership = Object.hasOwn(tags, SERVICE_TAG) ? [] : [meshMemberSan(mesh)];
  return allOfPrincipals([...membership, ...sansOfTags(mesh, tags)].map(authenticatedPrincipal));
}

/**
 * Clients carrying every tag of `tags`, without the membership check: for use
 * inside a principal that has already established membership. `tags` must not be empty.
 */
export const tagsPrincipal = (mesh: string, tags: Labels): Principal =>
  allOfPrincipals(sansOfTags(mesh, tags).map(authenticatedPrincipal));

/** A `rules[]` SPIFFE ID match, taken literally (a Prefix value is not given a trailing slash). */
export const spiffeMatchPrincipal = (match: Match): Principal =>
  authenticatedPrincipal(
    match.spiffeID.type === 'Exact' ? { exact: match.spiffeID.value } : { prefix: match.spiffeID.value },
  );
