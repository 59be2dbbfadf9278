/**
 * WebCrypto parameters for the key types a mesh CA may have: ECDSA on
 * P-256/P-384/P-521 or RSA, as users bring them. (Workload keys are always
 * ECDSA P-256; see workload-cert.ts.)
 */

export type CaKeyAlgorithm = 'ECDSA' | 'RSA';

/** Parameters to generate, import and sign with one kind of key. */
export interface KeyParams {
  readonly algorithm: CaKeyAlgorithm;
  /** For `generateKey` / `importKey`. */
  readonly keyParams:
    | { name: string; namedCurve: string }
    | { name: string; hash: string; modulusLength?: number; publicExponent?: Uint8Array };
  /** For signing certificates with this key. */
  readonly signingParams: { name: string; hash?: string };
}

/** The hash that matches each curve's strength (RFC 5480 §4). */
const HASH_OF_CURVE: Readonly<Record<string, string>> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' };

/** OpenSSL's curve names, as node:crypto reports them, to WebCrypto's. */
export const WEBCRYPTO_CURVE: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  'P-256': 'P-256',
  secp384r1: 'P-384',
  'P-384': 'P-384',
  secp521r1: 'P-521',
  'P-521': 'P-521',
};

export function ecdsaParams(namedCurve = 'P-256'): KeyParams {
  const hash = HASH_OF_CURVE[namedCurve];
  if (!hash) throw new Error(`curve ${namedCurve} is not supported; use P-256, P-384 or P-521`);
  return {
    algorithm: 'ECDSA',
    keyParams: { name: 'ECDSA', namedCurve },
    signingParams: { name: 'ECDSA', hash },
  };
}

/** RSASSA-PKCS1-v1_5 with SHA-256: what every TLS stack verifies; `bits` only matters when generating. */
export function rsaParams(bits = 2048): KeyParams {
  return {
    algorithm: 'RSA',
    keyParams: {
      name: 'RSASSA-PKCS1-v1_5',
      hash: 'SHA-256',
      modulusLength: bits,
      publicExponent: new Uint8Array([1, 0, 1]),
    },
    signingParams: { name: 'RSASSA-PKCS1-v1_5' },
  };
}
