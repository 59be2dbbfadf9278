/**
 * The composition root: the only module that knows every component. It builds
 * them from the configuration, wires them together, and tears them down in
 * reverse order.
 *
 *   config ─► store ─► resource manager ─► default mesh
 *                              └────────► REST API (fastify)
 */
import { pino, type Logger } from 'pino';
import { kindRegistry } from '../api/index.js';
import { ResourceManager } from '../manager/index.js';
import { buildApiServer } from '../server/index.js';
import { createStore, type ResourceStore } from '../store/index.js';
import { publicConfig, type ControlPlaneConfig } from './config.js';
import { productVersion } from './version.js';

export interface RunningControlPlane {
  readonly config: ControlPlaneConfig;
  /** Base URL of the REST API, with the port actually bound. */
  readonly apiUrl: string;
  readonly store: ResourceStore;
  readonly manager: ResourceManager;
  readonly logger: Logger;
  /** Stops accepting requests, finishes those in flight, closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** A logger to use instead of one built from `config.logLevel` (tests pass a silent one). */
  readonly logger?: Logger;
}

export async function startControlPlane(config: ControlPlaneConfig, options: StartOptions = {}): Promise<RunningControlPlane> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { instance: config.instanceId } });
  const store = await createStore({
    type: config.store,
    dataDir: config.dataDir,
    postgresUrl: config.postgresUrl,
    indexTags: kindRegistry.indexTags,
    logger: logger.child({ component: 'store' }),
  });
  let api: Awaited<ReturnType<typeof buildApiServer>> | undefined;
  try {
    const manager = new ResourceManager(store, kindRegistry);
    await manager.ensureDefaultMesh();
    api = await buildApiServer({
      manager,
      registry: kindRegistry,
      logger: logger.child({ component: 'api' }),
      bodyLimitBytes: config.bodyLimitBytes,
      index: {
        product: 'Koguma',
        version: productVersion,
        instanceId: config.instanceId,
        clusterId: await store.clusterId(),
      },
      config: publicConfig(config),
    });
    const address = await api.listen({ host: config.apiAddress, port: config.apiPort });
    const apiUrl = address.replace('[::1]', '127.0.0.1');
    logger.info({ apiUrl, store: store.description }, `REST API listening on ${apiUrl}; store: ${store.description}`);

    const server = api;
    let closing: Promise<void> | undefined;
    return {
      config,
      apiUrl,
      store,
      manager,
      logger,
      close: () => {
        closing ??= (async () => {
          // Requests in flight complete before the store closes, so an
          // acknowledged write is always committed.
          await server.close();
          await store.close();
          logger.info('control plane stopped');
        })();
        return closing;
      },
    };
  } catch (error) {
    await api?.close();
    await store.close();
    throw error;
  }
}
