/**
 * Which CA an Envoy bootstrap's ADS cluster trusts when the DP server speaks
 * TLS: the `caCert` of the bootstrap request, which the agent used to verify
 * the control plane, else the CA of the control plane's generated
 * certificate. A `caCert` that holds no certificate is refused here, with
 * its reason, rather than left for Envoy to reject at start.
 */
import { X509Certificate } from 'node:crypto';

export type AdsTrust = { readonly caPem: string } | { readonly reason: string };

export function adsTrustOf(requestCaCert: string | undefined, generatedCaPem: string | undefined): AdsTrust {
  if (requestCaCert === undefined || requestCaCert.trim() === '') {
    if (generatedCaPem !== undefined) return { caPem: generatedCaPem };
    return {
      reason:
        'is required: the DP server speaks TLS with the certificate of --tls-cert-file, whose CA the control plane does not know; ' +
        'send the CA that signs it (koguma dp run --ca-cert-file)',
    };
  }
  if (!requestCaCert.includes('-----BEGIN CERTIFICATE-----')) return { reason: 'holds no PEM certificate' };
  try {
    new X509Certificate(requestCaCert);
  } catch (error) {
    return { reason: `does not parse as a PEM certificate: ${(error as Error).message}` };
  }
  return { caPem: requestCaCert };
}
