/**
 * `--ca-cert-file`: the CA the agent trusts for the control plane's DP
 * server. The scheme of `--cp-address` decides whether there is TLS at all,
 * and the two must agree: `https://` needs the CA (the agent never connects
 * without verifying the control plane), `http://` has no use for one.
 * The file is read and checked once at start, so a wrong path fails here with
 * its name rather than later as a refused handshake.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CpAddress } from './cp-address.js';
import { DpError } from './errors.js';

/** The CA (PEM) to verify the DP server with, or undefined for a plaintext one. */
export async function readCpTrust(cpAddress: CpAddress, caCertFile: string | undefined): Promise<string | undefined> {
  if (!cpAddress.tls) {
    if (caCertFile === undefined) return undefined;
    throw new DpError(
      `--ca-cert-file is for a DP server with TLS, but --cp-address ${cpAddress.url} is plaintext; give its https:// address`,
    );
  }
  if (caCertFile === undefined) {
    throw new DpError(
      `--cp-address ${cpAddress.url} speaks TLS: give --ca-cert-file, the CA that signs its certificate ` +
        '(koguma cp run generates it as <data-dir>/tls/ca.crt and logs the path)',
    );
  }
  let pem: string;
  try {
    pem = await readFile(caCertFile, 'utf8');
  } catch (error) {
    throw new DpError(`cannot read --ca-cert-file ${caCertFile}: ${(error as Error).message}`);
  }
  try {
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no BEGIN CERTIFICATE line');
    new X509Certificate(pem);
  } catch (error) {
    throw new DpError(`--ca-cert-file ${caCertFile} holds no PEM certificate (${(error as Error).message})`);
  }
  return pem;
}
