/**
 * Completing a proxy's context with its mesh's mTLS: the mesh's roots and
 * mode, and the proxy's own certificate. Three answers per mesh state:
 *
 *   pending   (its CA still loading)  ─► no context: configuring the proxy now
 *                                        would configure it in plaintext
 *   disabled                          ─► the context as it is; a certificate
 *                                        the proxy had is no longer kept
 *   enabled   with a certificate      ─► the context with `tls` and `identity`
 *             not issued yet          ─► no context: Envoy would wait for the
 *                                        Secret anyway, a gRPC client would
 *                                        fail its handshakes
 *
 * Both sources rebuild the proxy through the engine once they have what was
 * missing, so "no context" only ever means "not yet".
 */
import type { WorkloadCertificate, WorkloadTags } from '../../mtls/index.js';
import type { MeshSecurity, MeshSecurityState } from '../../mtls/index.js';
import { onePerObject, type IdentityContext, type MeshTlsContext, type ProxyContext } from '../generate/index.js';

/** Where each mesh's mTLS state comes from (mtls/mesh-security.ts `MeshSecurityRegistry`). */
export interface MeshTlsSource {
  stateOf(mesh: string): MeshSecurityState;
}

/** Where proxies' certificates come from (xds/sync/workload-identities.ts `WorkloadIdentities`). */
export interface IdentitySource {
  /** The proxy's current certificate, or undefined while it is being issued. */
  identityFor(nodeId: string, security: MeshSecurity, tags: WorkloadTags): WorkloadCertificate | undefined;
  /** The proxy needs no certificate any more. */
  forget(nodeId: string): void;
}

export interface ProxySecurity {
  readonly meshes: MeshTlsSource;
  readonly identities: IdentitySource;
}

/** One object per mesh security state object: generators memoize on it. */
const tlsContextOf = onePerObject((security: MeshSecurity): MeshTlsContext => ({
  mesh: security.mesh,
  mode: security.mode,
  trustedRootsPem: security.trusted.map((ca) => ca.certificate.toString('pem')).join('\n'),
}));

const identityContextOf = onePerObject((certificate: WorkloadCertificate): IdentityContext => ({
  certChainPem: `${certificate.certPem.trimEnd()}\n${certificate.chainPem}`,
  keyPem: certificate.keyPem,
}));

/** Every tag of every inbound, with all its values: what the certificate certifies. */
export function workloadTagsOf(context: ProxyContext): WorkloadTags {
  const tags: Record<string, string[]> = {};
  for (const inbound of context.inbounds) {
    for (const [tag, value] of Object.entries(inbound.tags)) (tags[tag] ??= []).push(value);
  }
  return tags;
}

/** The context with its mesh's TLS and its certificate, or undefined while either is not ready. */
export function securedContext(
  security: ProxySecurity,
  nodeId: string,
  context: ProxyContext,
): ProxyContext | undefined {
  const state = security.meshes.stateOf(context.mesh);
  if (state.kind === 'pending') return undefined;
  if (state.kind === 'disabled') {
    security.identities.forget(nodeId);
    return context;
  }
  const certificate = security.identities.identityFor(nodeId, state.security, workloadTagsOf(context));
  if (certificate === undefined) return undefined;
  return { ...context, tls: tlsContextOf(state.security), identity: identityContextOf(certificate) };
}

/**
 * Stands in for a proxy's certificate when a configuration is built only to be
 * shown (`_config`): the shape of the secret is what matters there, and a
 * real private key must not leave the control plane.
 */
const STAND_IN_IDENTITY: IdentityContext = { certChainPem: 'CERT', keyPem: 'KEY' };

/**
 * The context with its mesh's TLS and a stand-in certificate: nothing is
 * issued. Undefined while the mesh's CA is still loading.
 */
export function inspectedContext(security: ProxySecurity, context: ProxyContext): ProxyContext | undefined {
  const state = security.meshes.stateOf(context.mesh);
  if (state.kind === 'pending') return undefined;
  if (state.kind === 'disabled') return context;
  return { ...context, tls: tlsContextOf(state.security), identity: STAND_IN_IDENTITY };
}
