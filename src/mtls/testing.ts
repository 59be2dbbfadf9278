/**
 * Test helpers: certificates made directly with @peculiar/x509 (not with the
 * modules under test) in whatever shape a test needs: expired, not a CA,
 * intermediate, RSA. Not imported by production code.
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { ecdsaParams, rsaParams } from './key-algorithms.js';
import { encodePem } from './pem.js';
import { webcrypto, x509, type CryptoKey } from './x509.js';

export interface TestCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certificate: x509.X509Certificate;
  readonly keys: { readonly publicKey: CryptoKey; readonly privateKey: CryptoKey };
}

export interface TestCertificateOptions {
  readonly name: string;
  /** Signed by this certificate's key; self-signed when omitted. */
  readonly issuer?: TestCertificate;
  readonly ca?: boolean;
  /** keyUsage bits; the extension is left out when omitted. */
  readonly keyUsage?: number;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly rsaBits?: number;
}

const HOUR_MS = 3_600_000;

export async function makeCertificate(options: TestCertificateOptions): Promise<TestCertificate> {
  const params = options.rsaBits ? rsaParams(options.rsaBits) : ecdsaParams('P-256');
  const keys = (await webcrypto.subtle.generateKey(params.keyParams, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const signer = options.issuer;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(options.ca ?? true, undefined, true)];
  if (options.keyUsage !== undefined) extensions.push(new x509.KeyUsagesExtension(options.keyUsage, true));
  const certificate = await x509.X509CertificateGenerator.create({
    subject: `CN=${options.name}`,
    issuer: signer ? signer.certificate.subjectName : `CN=${options.name}`,
    notBefore: options.notBefore ?? new Date(Date.now() - HOUR_MS),
    notAfter: options.notAfter ?? new Date(Date.now() + HOUR_MS),
    publicKey: keys.publicKey,
    signingKey: signer ? signer.keys.privateKey : keys.privateKey,
    signingAlgorithm: signer ? signingParamsOf(signer) : params.signingParams,
    extensions,
  });
  return {
    certPem: encodePem('CERTIFICATE', certificate.rawData),
    keyPem: encodePem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    certificate,
    keys,
  };
}

const signingParamsOf = (signer: TestCertificate) =>
  signer.keys.privateKey.algorithm.name === 'ECDSA' ? ecdsaParams('P-256').signingParams : rsaParams().signingParams;

/** The URI SANs of a PEM certificate as OpenSSL (node:crypto) reads them. */
export function urisOf(certPem: string): string[] {
  return (new NodeCertificate(certPem).subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('URI:'))
    .map((entry) => entry.slice('URI:'.length));
}
