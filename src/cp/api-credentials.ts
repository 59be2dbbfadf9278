/**
 * The REST API's credentials, kept in the data dir whatever the store (a
 * memory store included) until Koguma has a global Secret kind: the
 * user-token signing key, and an admin token for the operator to start with.
 * Several instances sharing a PostgreSQL store must share the key file too,
 * or a token from one is refused by the others (docs/operations.md).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ADMIN_TOKEN_FILE, ensureAdminToken, loadOrCreateUserTokenKey, type SigningKey } from '../auth/index.js';

export interface ApiCredentials {
  readonly userTokenKey: SigningKey;
  /** Where the admin token is, to tell operators. */
  readonly adminTokenFile: string;
}

export async function prepareApiCredentials(dataDir: string, logger: Logger): Promise<ApiCredentials> {
  const userTokenKey = await loadOrCreateUserTokenKey(dataDir);
  await ensureAdminToken(dataDir);
  const adminTokenFile = join(dataDir, ADMIN_TOKEN_FILE);
  logger.info(
    { adminTokenFile },
    `REST API admin token in ${adminTokenFile} (koguma config set-api --token-file ${adminTokenFile})`,
  );
  return { userTokenKey, adminTokenFile };
}
