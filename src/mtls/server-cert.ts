/**
 * A TLS server identity for the control plane itself (its DP server, port
 * 5678), apart from any mesh: a small private CA, and a server certificate it
 * signs naming the host names and IP addresses data planes dial.
 *
 *   generateServerCa ─► CA (PEM) ─► loadCa ─► issueServerCertificate(names) ─► cert + key (PEM)
 *
 * The CA only ever signs the control plane's server certificates (path length
 * 0), so a data plane that trusts it (`koguma dp run --ca-cert-file`) trusts
 * nothing else. Keys are ECDSA P-256: every TLS stack verifies it, and the
 * handshake signs faster than with RSA.
 */
import { isIP } from 'node:net';
import type { CaPem } from './builtin-ca.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { ecdsaParams } from './key-algorithms.js';
import { newLeafKeyPair, signLeaf } from './leaf-certificate.js';
import { encodePem } from './pem.js';
import { CLOCK_SKEW_MS, randomSerial, webcrypto, wholeSeconds, x509 } from './x509.js';

export interface ServerCaOptions {
  /** The CA's common name, shown by `openssl x509 -text` and in TLS errors. */
  readonly commonName: string;
  readonly lifetimeMs: number;
  readonly now?: Date;
}

export async function generateServerCa(options: ServerCaOptions): Promise<CaPem> {
  const params = ecdsaParams('P-256');
  const keys = (await webcrypto.subtle.generateKey(params.keyParams, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const now = (options.now ?? new Date()).getTime();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ O: ['koguma'] }, { CN: [options.commonName] }],
    notBefore: wholeSeconds(now - CLOCK_SKEW_MS),
    notAfter: wholeSeconds(now + options.lifetimeMs),
    keys,
    signingAlgorithm: params.signingParams,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: encodePem('CERTIFICATE', certificate.rawData), keyPem: encodePem('PRIVATE KEY', pkcs8) };
}

export interface ServerCertificateRequest {
  /** Host names and IP addresses (v4 or v6) clients dial; each becomes a DNS or IP SAN. At least one. */
  readonly names: readonly string[];
  readonly lifetimeMs: number;
  readonly now?: Date;
}

export interface ServerCertificate {
  readonly certPem: string;
  /** PKCS#8. */
  readonly keyPem: string;
  readonly notAfter: Date;
}

export async function issueServerCertificate(
  ca: CertificateAuthority,
  request: ServerCertificateRequest,
): Promise<ServerCertificate> {
  const [first] = request.names;
  if (first === undefined) throw new Error('a server certificate needs at least one host name or address');
  const keys = await newLeafKeyPair();
  const { certificate } = await signLeaf(ca, {
    // Clients match the SANs (RFC 6125); the CN is only for people reading it.
    subject: [{ O: ['koguma'] }, { CN: [first] }],
    publicKey: keys.publicKey,
    now: (request.now ?? new Date()).getTime(),
    lifetimeMs: request.lifetimeMs,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        request.names.map((name) => (isIP(name) ? { type: 'ip', value: name } : { type: 'dns', value: name })),
      ),
    ],
  });
  return {
    certPem: encodePem('CERTIFICATE', certificate.rawData),
    keyPem: encodePem('PRIVATE KEY', keys.privateKey),
    notAfter: certificate.notAfter,
  };
}
