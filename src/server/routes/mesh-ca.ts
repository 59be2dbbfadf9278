/**
 * A mesh's certificate authority as this instance holds it:
 *   GET /meshes/{mesh}/_ca
 * whether mTLS is on, the enabled backend and mode, and the issuing CA and
 * every root trusted (more than one while the mesh switches CA), each with its
 * subject, validity and fingerprint, so an operator sees when it expires.
 * Certificates only: no key, nothing secret, so it is a read like any other.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ResourceManager } from '../../manager/index.js';
import type { CertificateAuthority, MeshSecurityState } from '../../mtls/index.js';
import { orNotFound } from './kuma-titles.js';

export interface MeshCaSource {
  stateOf(mesh: string): MeshSecurityState;
}

const certificateOf = (ca: CertificateAuthority) => ({
  subject: ca.certificate.subject,
  notBefore: ca.certificate.notBefore.toISOString(),
  notAfter: ca.certificate.notAfter.toISOString(),
  fingerprint: ca.fingerprint,
});

export function registerMeshCaRoute(app: FastifyInstance, manager: ResourceManager, source: MeshCaSource): void {
  app.get('/meshes/:mesh/_ca', async (request: FastifyRequest<{ Params: { mesh: string } }>) => {
    const { mesh } = request.params;
    await orNotFound('Failed to retrieve Mesh', manager.get({ kind: 'Mesh', mesh: '', name: mesh }));
    const state = source.stateOf(mesh);
    if (state.kind !== 'enabled') return { mesh, state: state.kind };
    const { security } = state;
    return {
      mesh,
      state: state.kind,
      backend: security.backend,
      mode: security.mode,
      issuer: certificateOf(security.issuer),
      trusted: security.trusted.map(certificateOf),
    };
  });
}
