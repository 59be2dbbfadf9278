/**
 * Issues a proxy's identity: a fresh ECDSA P-256 key and a certificate for it,
 * signed by the mesh's CA, naming the proxy's services and tags as URI SANs.
 *
 *   CertificateAuthority ─┐
 *   mesh, tags, lifetime ─┴─► issueWorkloadCertificate ─► cert + key + CA chain (PEM)
 *
 * The subject is empty (the identity lives in the SANs, as SPIFFE X509-SVIDs
 * do), which RFC 5280 §4.2.1.6 allows when the SAN extension is critical.
 */
import { KogumaError } from '../api/index.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { SERVICE_TAG, workloadUris, type WorkloadTags } from './identity-uris.js';
import { encodePem } from './pem.js';
import { uriSanExtension } from './uri-san.js';
import { newLeafKeyPair, signLeaf } from './leaf-certificate.js';
import { x509 } from './x509.js';

export interface WorkloadCertificateRequest {
  readonly mesh: string;
  readonly tags: WorkloadTags;
  readonly lifetimeMs: number;
  readonly now?: Date;
}

export interface WorkloadCertificate {
  readonly certPem: string;
  /** PKCS#8. */
  readonly keyPem: string;
  /** The issuing CA and its chain: what a peer needs to verify `certPem`. */
  readonly chainPem: string;
  readonly notBefore: Date;
  /** When it was signed (`notBefore` is back-dated for clock skew): what its renewal is measured from. */
  readonly issuedAt: Date;
  readonly notAfter: Date;
  /** Hex. */
  readonly serial: string;
}

/** Built once: the same for every workload certificate. */
const LEAF_EXTENSIONS = [
  new x509.BasicConstraintsExtension(false, undefined, true),
  new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
  new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
];

export async function issueWorkloadCertificate(
  ca: CertificateAuthority,
  request: WorkloadCertificateRequest,
): Promise<WorkloadCertificate> {
  if ((request.tags[SERVICE_TAG] ?? []).length === 0) {
    throw new KogumaError('InvalidInput', `a workload certificate needs at least one ${SERVICE_TAG} tag value`, [
      { field: `tags["${SERVICE_TAG}"]`, reason: 'must have at least one value' },
    ]);
  }
  const now = (request.now ?? new Date()).getTime();
  if (ca.certificate.notAfter.getTime() <= now) {
    throw new KogumaError(
      'InvalidInput',
      `the CA of mesh "${request.mesh}" expired at ${ca.certificate.notAfter.toISOString()}; replace it`,
    );
  }
  const keys = await newLeafKeyPair();
  const { certificate, serial } = await signLeaf(ca, {
    subject: [],
    publicKey: keys.publicKey,
    now,
    lifetimeMs: request.lifetimeMs,
    extensions: [...LEAF_EXTENSIONS, uriSanExtension(workloadUris(request.mesh, request.tags), true)],
  });
  return {
    certPem: encodePem('CERTIFICATE', certificate.rawData),
    keyPem: encodePem('PRIVATE KEY', keys.privateKey),
    chainPem: ca.chainPem,
    notBefore: certificate.notBefore,
    issuedAt: new Date(now),
    notAfter: certificate.notAfter,
    serial,
  };
}
