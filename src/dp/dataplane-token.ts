/**
 * The dataplane token the agent presents: `--dataplane-token` (the value) or
 * `--dataplane-token-file` (a file holding it, as Kuma's agent reads it).
 * Read once at start and checked for the shape of a token, so a wrong file
 * (empty, a PEM, two tokens) fails here with its name rather than later as a
 * refused bootstrap.
 */
import { readFile } from 'node:fs/promises';
import { DpError } from './errors.js';

export interface DataplaneTokenSource {
  readonly dataplaneToken?: string;
  readonly dataplaneTokenFile?: string;
}

/** What a JWT is made of (RFC 6750 b64token): nothing that could break a header or a YAML line. */
const TOKEN_SHAPE = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The token, or undefined when neither option is given. */
export async function readDataplaneToken(source: DataplaneTokenSource): Promise<string | undefined> {
  const { dataplaneToken, dataplaneTokenFile } = source;
  if (dataplaneToken !== undefined && dataplaneTokenFile !== undefined) {
    throw new DpError('give --dataplane-token or --dataplane-token-file, not both');
  }
  if (dataplaneToken !== undefined) return checked(dataplaneToken.trim(), '--dataplane-token');
  if (dataplaneTokenFile === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(dataplaneTokenFile, 'utf8');
  } catch (error) {
    throw new DpError(`cannot read the dataplane token file ${dataplaneTokenFile}: ${(error as Error).message}`);
  }
  return checked(text.trim(), `the dataplane token file ${dataplaneTokenFile}`);
}

function checked(token: string, source: string): string {
  if (token === '')
    throw new DpError(`${source} is empty: it should hold a dataplane token (koguma generate dataplane-token)`);
  if (!TOKEN_SHAPE.test(token)) {
    throw new DpError(
      `${source} does not hold a dataplane token: a token is one line of letters, digits and - . _ ~ + /`,
    );
  }
  return token;
}
