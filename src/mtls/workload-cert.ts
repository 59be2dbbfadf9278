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
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { KogumaError } from '../api/errors.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { SERVICE_TAG, workloadUris, type WorkloadTags } from './identity-uris.js';
import { encodePem } from './pem.js';
import { uriSanExtension } from './uri-san.js';
import { CLOCK_SKEW_MS, randomSerial, wholeSeconds, x509 } from './x509.js';

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
  readonly notAfter: Date;
  /** Hex. */
  readonly serial: string;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * A fresh ECDSA P-256 key pair, already DER-encoded: node:crypto generates it on
 * the thread pool and hands back SPKI and PKCS#8 bytes in one call, saving the
 * two WebCrypto exports the certificate and the PEM would otherwise need.
 */
const newWorkloadKeyPair = () =>
  generateKeyPairAsync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  });

/** authorityKeyIdentifier is the same for everything a CA signs: built once per CA. */
const authorityKeyIds = new WeakMap<CertificateAuthority, x509.Extension>();
function authorityKeyIdOf(ca: CertificateAuthority): x509.Extension {
  let extension = authorityKeyIds.get(ca);
  if (!extension) authorityKeyIds.set(ca, (extension = new x509.AuthorityKeyIdentifierExtension(ca.keyIdentifier)));
  return extension;
}

/** Built once: the same for every workload certificate. */
const LEAF_EXTENSIONS = [
  new x509.BasicConstraintsExtension(false, undefined, true),
  new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
  new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
];

export async function issueWorkloadCertificate(ca: CertificateAuthority, request: WorkloadCertificateRequest): Promise<WorkloadCertificate> {
  if ((request.tags[SERVICE_TAG] ?? []).length === 0) {
    throw new KogumaError('InvalidInput', `a workload certificate needs at least one ${SERVICE_TAG} tag value`, [
      { field: `tags["${SERVICE_TAG}"]`, reason: 'must have at least one value' },
    ]);
  }
  const keys = await newWorkloadKeyPair();
  const now = (request.now ?? new Date()).getTime();
  if (ca.certificate.notAfter.getTime() <= now) {
    throw new KogumaError('InvalidInput', `the CA of mesh "${request.mesh}" expired at ${ca.certificate.notAfter.toISOString()}; replace it`);
  }
  // A certificate that outlives its CA would be refused by peers from that moment on.
  const notAfter = wholeSeconds(Math.min(now + request.lifetimeMs, ca.certificate.notAfter.getTime()));
  const serial = randomSerial();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: [],
    issuer: ca.certificate.subjectName,
    notBefore: wholeSeconds(now - CLOCK_SKEW_MS),
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: ca.signingParams,
    extensions: [
      ...LEAF_EXTENSIONS,
      authorityKeyIdOf(ca),
      uriSanExtension(workloadUris(request.mesh, request.tags), true),
    ],
  });
  return {
    certPem: encodePem('CERTIFICATE', certificate.rawData),
    keyPem: encodePem('PRIVATE KEY', keys.privateKey),
    chainPem: ca.chainPem,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    serial,
  };
}
