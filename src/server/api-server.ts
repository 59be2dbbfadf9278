/**
 * The REST API server (fastify): resource CRUD, discovery, dataplane tokens,
 * errors in Kuma's format, access control (access.ts) in front of all of it.
 * Built from its dependencies; it opens no store and reads no config.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { KindRegistry } from '../api/registry.js';
import type { ResourceManager } from '../manager/index.js';
import { installAccessControl, type ApiAccess } from './access.js';
import { installErrorHandling } from './errors.js';
import { installJsonBodyParser } from './json-body.js';
import { installQueryCheck } from './query-check.js';
import { registerInfoRoutes, type IndexInfo } from './routes/info.js';
import { registerInspectionRoutes, type Inspection } from './routes/inspect.js';
import { registerResourceRoutes } from './routes/resources.js';
import { registerTokenRoutes } from './routes/tokens.js';

export interface ApiServerOptions {
  readonly manager: ResourceManager;
  readonly registry: KindRegistry;
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  readonly index: IndexInfo;
  /** The effective configuration as `GET /config` shows it (secrets masked). */
  readonly config: Record<string, unknown>;
  /** Proxy status and served configuration; without it the inspection endpoints are not served. */
  readonly inspection?: Inspection;
  /** Who may write and read what (access.ts). */
  readonly access: ApiAccess;
}

export async function buildApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Our own onResponse hook logs requests, at debug level.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    // Closing waits for requests in flight, so acknowledged writes are committed.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.addHook('onResponse', async (request, reply) => {
    options.logger.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });
  installErrorHandling(app, options.logger);
  installJsonBodyParser(app);
  installQueryCheck(app);
  installAccessControl(app, options.access, options.registry);
  registerInfoRoutes(app, options.registry, options.index, options.config);
  if (options.inspection) registerInspectionRoutes(app, options.manager, options.registry, options.inspection);
  registerResourceRoutes(app, options.manager, options.registry);
  registerTokenRoutes(app, options.manager);
  await app.ready();
  return app;
}
