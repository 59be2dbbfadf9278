/**
 * `IdentifyNode` with dataplane tokens (`--dp-auth dpToken`): an ADS stream
 * must carry gRPC metadata `authorization: Bearer <token>`, and the token must
 * allow the dataplane the node says it is, with the tags it says it has.
 *
 *   node.id ─► mesh, name
 *   node.metadata["dataplane.resource"] (direct mode) ─► validated Dataplane ─┐
 *   or the stored Dataplane (indirect mode) ──────────────────────────────────┴─► registration
 *   authorization header ─► authenticator.verify ─► authorizeDataplane(claims, registration) ─► identity + credential
 *
 * The tags checked are the ones that will be registered and certified: in
 * direct mode the document the lifecycle then writes (validated the same way
 * here, so nothing the token does not allow can slip through a lenient read);
 * in indirect mode the Dataplane an administrator stored.
 *
 * Refusals: no or malformed token, bad signature, expired, revoked →
 * UNAUTHENTICATED; a genuine token for another dataplane, mesh or tags →
 * PERMISSION_DENIED; an invalid carried Dataplane → INVALID_ARGUMENT.
 */
import { isKogumaError, KogumaError, validateDocument } from '../../api/index.js';
import { coreKindRegistry, type DataplaneSpec } from '../../api/index.js';
import {
  authorizeDataplane,
  bearerToken,
  registrationOf,
  type DataplaneAuthenticator,
  type TaggedNetworking,
} from '../../auth/index.js';
import { carriedDataplane, DATAPLANE_RESOURCE_METADATA } from '../index.js';
import { parseNodeId, type IdentifyNode, type NodeIdentity } from './node-identity.js';

export interface TokenIdentityOptions {
  readonly authenticator: Pick<DataplaneAuthenticator, 'verify' | 'watch'>;
  /** The stored Dataplane of a node that carries none (indirect mode); undefined when there is none. */
  readonly storedDataplane: (mesh: string, name: string) => Promise<TaggedNetworking | undefined>;
}

const METADATA_FIELD = `node.metadata["${DATAPLANE_RESOURCE_METADATA}"]`;

export function tokenIdentity(options: TokenIdentityOptions): IdentifyNode {
  return async (node, headers) => {
    const identity = parseNodeId(node);
    const carried = carriedSpec(identity);
    // The token is proven genuine before the store is read for an indirect-mode node.
    const verified = await options.authenticator.verify(tokenOf(headers), identity.mesh);
    const spec = carried ?? (await options.storedDataplane(identity.mesh, identity.name));
    authorizeDataplane(verified.claims, registrationOf(identity.mesh, identity.name, spec ?? { networking: {} }));
    return { ...identity, credential: options.authenticator.watch(verified) };
  };
}

function tokenOf(headers: Headers): string {
  try {
    return bearerToken(headers.get('authorization'));
  } catch (error) {
    if (!isKogumaError(error)) throw error;
    throw new KogumaError(
      'Unauthenticated',
      `this control plane requires a dataplane token on every xDS stream (--dp-auth dpToken): ${error.message} in the gRPC metadata`,
    );
  }
}

/** The Dataplane the node carries (direct mode), validated as the lifecycle will validate it; undefined in indirect mode. */
function carriedSpec(identity: NodeIdentity): DataplaneSpec | undefined {
  const document = carriedDataplane(identity.metadata);
  if (document === undefined) return undefined;
  try {
    return validateDocument(coreKindRegistry, document, { kind: 'Dataplane', mesh: identity.mesh, name: identity.name })
      .draft.spec as DataplaneSpec;
  } catch (error) {
    if (!isKogumaError(error, 'InvalidInput')) throw error;
    const fields = error.invalidParameters.map((p) => `${METADATA_FIELD}.${p.field}: ${p.reason}`).join('; ');
    throw new KogumaError(
      'InvalidInput',
      `the Dataplane in ${METADATA_FIELD} is not valid: ${fields}`,
      error.invalidParameters,
    );
  }
}
