/**
 * Who is on the other end of an xDS stream. The first request's `node.id` must
 * be `<mesh>.<name>` (Kuma's convention: the mesh, a dot, the Dataplane's
 * name, which may itself contain dots); anything else ends the stream with
 * INVALID_ARGUMENT before any resource is sent. Whether the node may have
 * that identity (dataplane token, certificate) is decided by an injected
 * `identify`, called after the format check, which refuses by throwing a
 * KogumaError.
 */
import { KogumaError } from '../../api/index.js';
import type { Node } from '../envoy/gen/envoy/config/core/v3/base_pb.js';

export interface NodeIdentity {
  readonly mesh: string;
  readonly name: string;
  /** `<mesh>.<name>`: the key of the node's snapshot and status. */
  readonly nodeId: string;
  /** `node.metadata` as the node sent it (what it says about itself, e.g. its Dataplane). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The credential the stream was opened with, when one is checked (a dataplane token). */
  readonly credential?: StreamCredential;
}

/**
 * A credential that can stop being valid while its stream is open (a revoked
 * token): the stream ends with the signal's reason, so a proxy cannot keep
 * receiving configuration and certificates on a credential taken from it.
 */
export interface StreamCredential {
  /** Aborted, with a KogumaError reason, once the credential is no longer valid. */
  readonly revoked: AbortSignal;
  /** The stream has ended: stop watching the credential. */
  release(): void;
}

/**
 * Confirms a node's identity from its Node message and the stream's request
 * headers (where a dataplane token travels). Throws a KogumaError to refuse:
 * its code becomes the stream's gRPC status (`grpcStatusOf`).
 */
export type IdentifyNode = (node: Node, headers: Headers) => Promise<NodeIdentity>;

export const nodeIdFormat = '"<mesh>.<name>" (the mesh and the dataplane name joined by a dot, e.g. "default.web-1")';

/** Parses `node.id`; throws KogumaError('InvalidInput') naming the expected format. */
export function parseNodeId(node: Node | undefined): NodeIdentity {
  const id = node?.id ?? '';
  if (id === '')
    throw new KogumaError(
      'InvalidInput',
      `the first xDS request must carry node.id in the form ${nodeIdFormat}; it has none`,
    );
  const dot = id.indexOf('.');
  const mesh = dot > 0 ? id.slice(0, dot) : '';
  const name = dot > 0 ? id.slice(dot + 1) : '';
  if (mesh === '' || name === '' || /\s/.test(id) || id.length > 512) {
    throw new KogumaError(
      'InvalidInput',
      `node.id ${JSON.stringify(id.slice(0, 200))} is not in the form ${nodeIdFormat}`,
    );
  }
  return { mesh, name, nodeId: id, metadata: node?.metadata ?? {} };
}

/** Accepts every well-formed node id as it claims to be: for tests and until tokens exist. */
export const trustClaimedIdentity: IdentifyNode = async (node) => parseNodeId(node);
