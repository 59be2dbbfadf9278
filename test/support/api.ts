/**
 * An in-process API server over a memory store, for fastify `inject` tests.
 * Access control is on as the control plane runs it (inject's default client
 * address is 127.0.0.1, so a local administrator); `adminToken` and
 * `userToken` authenticate as other callers would.
 */
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { kindRegistry } from '../../src/cp/catalogue.js';
import { ResourceManager } from '../../src/manager/index.js';
import { ADMIN_GROUP, generateSigningKeyPem, issueUserToken, signingKeyFromPem } from '../../src/auth/index.js';
import { buildApiServer, type ApiAccess, type ApiServerOptions, type Inspection } from '../../src/server/index.js';
import { createStore, type ResourceStore } from '../../src/store/index.js';

export interface TestApi {
  readonly app: FastifyInstance;
  readonly store: ResourceStore;
  readonly manager: ResourceManager;
  /** A token of the admin group, signed with this server's user-token key. */
  readonly adminToken: string;
  /** A token of a user in no group. */
  readonly userToken: string;
  close(): Promise<void>;
}

export interface TestApiOptions {
  readonly bodyLimitBytes?: number;
  readonly access?: Partial<Omit<ApiAccess, 'userTokenKey'>>;
  readonly inspection?: Inspection;
  readonly corsAllowedOrigins?: readonly string[];
  /** Serves a store wrapped around the memory store (e.g. one that can fail). */
  readonly wrapStore?: (store: ResourceStore) => ResourceStore;
  /** More of the server's options, given what the test api built (its store). */
  readonly more?: (store: ResourceStore) => Partial<ApiServerOptions>;
}

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const logger = pino({ level: 'silent' });
  const memory = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags, logger });
  const store = options.wrapStore?.(memory) ?? memory;
  const manager = new ResourceManager(store, kindRegistry);
  await manager.ensureDefaultMesh();
  const userTokenKey = await signingKeyFromPem(generateSigningKeyPem(), 'the test user-token key');
  const hour = 60 * 60 * 1000;
  const adminToken = await issueUserToken(userTokenKey, {
    name: 'test-admin',
    groups: [ADMIN_GROUP],
    validForMs: hour,
  });
  const userToken = await issueUserToken(userTokenKey, { name: 'test-user', groups: [], validForMs: hour });
  const app = await buildApiServer({
    manager,
    registry: kindRegistry,
    logger,
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    index: {
      product: 'Koguma',
      version: '0.0.0-test',
      instanceId: 'test-instance',
      clusterId: await store.clusterId(),
    },
    config: { store: 'memory' },
    access: { userTokenKey, localhostIsAdmin: true, readOnly: false, ...options.access },
    ...(options.inspection === undefined ? {} : { inspection: options.inspection }),
    ...(options.corsAllowedOrigins === undefined ? {} : { corsAllowedOrigins: options.corsAllowedOrigins }),
    ...options.more?.(store),
  });
  return {
    app,
    store,
    manager,
    adminToken,
    userToken,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** A valid Universal dataplane document. */
export function dataplane(
  mesh: string,
  name: string,
  service: string,
  extraTags: Record<string, string> = {},
  port = 8080,
) {
  return {
    type: 'Dataplane',
    mesh,
    name,
    networking: {
      address: '10.0.0.1',
      inbound: [
        { port, servicePort: 80, tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'http', ...extraTags } },
      ],
    },
  };
}
