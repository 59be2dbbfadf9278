/**
 * The builtin CA backend's root: a self-signed certificate generated once per
 * mesh and backend, then kept as two Secrets (see ca-secrets.ts). It signs
 * workload certificates directly, so its SAN names the whole trust domain
 * `spiffe://<mesh>`.
 */
import { ecdsaParams, rsaParams } from './key-algorithms.js';
import { encodePem } from './pem.js';
import { CLOCK_SKEW_MS, randomSerial, webcrypto, wholeSeconds, x509 } from './x509.js';

export interface RootCaOptions {
  readonly mesh: string;
  readonly backend: string;
  /** Generate an RSA key of this many bits instead of ECDSA P-256. */
  readonly rsaBits?: number;
  readonly lifetimeMs: number;
  readonly now?: Date;
}

/** A CA as PEM text: what is stored and what users provide. */
export interface CaPem {
  readonly certPem: string;
  /** PKCS#8 ("PRIVATE KEY"). */
  readonly keyPem: string;
}

export async function generateRootCa(options: RootCaOptions): Promise<CaPem> {
  const params = options.rsaBits === undefined ? ecdsaParams('P-256') : rsaParams(options.rsaBits);
  const keys = (await webcrypto.subtle.generateKey(params.keyParams, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const now = (options.now ?? new Date()).getTime();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    // JSON form, not a DN string: backend names may hold commas or equals signs.
    name: [{ O: ['koguma'] }, { OU: [options.backend] }, { CN: [options.mesh] }],
    notBefore: wholeSeconds(now - CLOCK_SKEW_MS),
    notAfter: wholeSeconds(now + options.lifetimeMs),
    keys,
    signingAlgorithm: params.signingParams,
    extensions: [
      // No path length: a root that later signs a zone's intermediate stays valid.
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `spiffe://${options.mesh}` }]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: encodePem('CERTIFICATE', certificate.rawData), keyPem: encodePem('PRIVATE KEY', pkcs8) };
}
