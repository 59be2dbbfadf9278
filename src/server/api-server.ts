/**
 * The REST API server (fastify): resource CRUD, discovery, dataplane tokens,
 * errors in Kuma's format, access control (access.ts) in front of all of it,
 * and CORS for the origins it is given (none by default).
 * Built from its dependencies; it opens no store and reads no config.
 *
 * `close()` drains rather than cuts (installDraining below):
 *   1. every new request, on a kept-alive connection or a just-accepted one,
 *      gets 503 in Kuma's error format with `Connection: close`, once its
 *      body has arrived;
 *   2. connections already waiting in the listen backlog are accepted, then
 *      the listener closes: later connections are refused;
 *   3. requests in flight finish, each answer closing its connection, for at
 *      most `shutdownTimeoutMs`; whatever is left then is cut;
 *   4. idle kept-alive connections are closed last.
 * Event streams (`/_events`) are ended first: they would never finish.
 * Node's own `server.close()` closes idle kept-alive connections first, at
 * once, and a client may already have written its next request on one: that
 * request is then reset (ECONNRESET), not answered. And a socket closed with
 * bytes of a request still unread is reset too, which can overtake the 503
 * written just before; so a refused request's body is read before answering.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Server as NetServer } from 'node:net';
import { finished } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { KindRegistry } from '../api/index.js';
import type { ResourceManager } from '../manager/index.js';
import type { StoreHealth } from '../store/index.js';
import { installAccessControl, type ApiAccess } from './access.js';
import { errorBody, installErrorHandling } from './errors.js';
import { installJsonBodyParser } from './json-body.js';
import { installQueryCheck } from './query-check.js';
import { registerInfoRoutes, type IndexInfo } from './routes/info.js';
import { registerInsightRoutes, type InsightsSource } from './routes/insights.js';
import { registerInspectionRoutes, type Inspection } from './routes/inspect.js';
import { registerZoneOverviewRoutes } from './routes/zone-overviews.js';
import { registerLegacyPolicyInspectionRoute } from './routes/inspect-legacy-policies.js';
import { registerKriRoutes } from './routes/kri.js';
import { registerReadiness } from './routes/ready.js';
import { registerResourceRoutes, type ReadTimeStatus } from './routes/resources.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { defaultEventLimits, registerEventRoutes, type EventLimits, type EventSources } from './routes/events.js';
import { defaultGuiDirectory, registerGuiRoutes } from './routes/gui.js';
import { registerInstanceRoutes, type InstancesSource } from './routes/instances.js';
import { registerNackRoutes } from './routes/nacks.js';
import { registerMetricsRoutes, type ApiMetrics } from './routes/metrics.js';

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
  /** Every mesh's insights (`/mesh-insights`, `/global-insight(s)`, `service-insights`); not served without it. */
  readonly insights?: InsightsSource;
  /** Statuses computed when read, by kind (routes/resources.ts); stored statuses only when omitted. */
  readonly readTimeStatus?: ReadTimeStatus;
  /** Who may write and read what (access.ts). */
  readonly access: ApiAccess;
  /** The store's health, for `/ready` and the stale-data header; the manager's store's when omitted. */
  readonly storeHealth?: () => StoreHealth;
  /** Origins whose browser pages may call the API (CORS); none when omitted or empty. */
  readonly corsAllowedOrigins?: readonly string[];
  /** How long `close()` lets requests in flight finish before cutting them; 10 s by default. */
  readonly shutdownTimeoutMs?: number;
  /** Where the built GUI is (`/gui`); the package's `dist/gui` by default. */
  readonly guiDirectory?: string;
  /** What proxies do, for `GET /_events` (the insight index); resource events only without it. */
  readonly proxyChanges?: EventSources['proxies'];
  /** Bounds of `GET /_events`; routes/events.ts has the defaults. */
  readonly eventLimits?: Partial<EventLimits>;
  /** The instances sharing the store (`GET /_instances`); not served without it. */
  readonly instances?: InstancesSource;
  /** The control plane's own metrics: `GET /metrics`, and every request counted. */
  readonly metrics?: ApiMetrics;
}

export async function buildApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Our own onResponse hook logs requests, at debug level.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    // Closing is ours (installDraining): fastify's 503 is not in Kuma's format,
    // and its close cuts idle kept-alive connections first.
    return503OnClosing: false,
    forceCloseConnections: false,
    routerOptions: { ignoreTrailingSlash: true },
  });
  // Event streams never finish by themselves: the drain ends them first.
  let closeEventStreams = (): void => undefined;
  installDraining(app, options.logger, options.shutdownTimeoutMs ?? 10_000, () => closeEventStreams());
  app.addHook('onResponse', async (request, reply) => {
    options.logger.debug(
      { method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime },
      'request',
    );
  });
  if (options.metrics) registerMetricsRoutes(app, options.metrics);
  installErrorHandling(app, options.logger);
  // Before access control, so a refusal still carries the headers a browser needs to read it.
  if (options.corsAllowedOrigins !== undefined && options.corsAllowedOrigins.length > 0)
    await app.register(cors, {
      origin: [...options.corsAllowedOrigins],
      methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
    });
  installJsonBodyParser(app);
  installQueryCheck(app);
  installAccessControl(app, options.access, options.registry);
  const storeHealth = options.storeHealth ?? (() => options.manager.store.health());
  registerReadiness(app, storeHealth);
  const gui = await registerGuiRoutes(app, options.guiDirectory ?? defaultGuiDirectory());
  registerInfoRoutes(app, options.registry, options.index, options.config, options.access, gui);
  closeEventStreams = registerEventRoutes(
    app,
    {
      changes: options.manager.store,
      ...(options.proxyChanges === undefined ? {} : { proxies: options.proxyChanges }),
      storeHealth,
      instanceId: options.index.instanceId,
    },
    { ...defaultEventLimits, ...options.eventLimits },
  ).closeAll;
  if (options.instances) registerInstanceRoutes(app, options.instances);
  if (options.inspection) {
    registerInspectionRoutes(app, options.manager, options.registry, options.inspection);
    registerLegacyPolicyInspectionRoute(app, options.manager, options.registry, options.inspection.policies);
  }
  if (options.insights) {
    registerInsightRoutes(app, options.insights);
    registerNackRoutes(app, options.insights.index);
  }
  registerZoneOverviewRoutes(app, options.manager, options.registry);
  registerKriRoutes(app, options.manager, options.registry);
  registerResourceRoutes(app, options.manager, options.registry, options.readTimeStatus);
  registerTokenRoutes(app, options.manager);
  await app.ready();
  return app;
}

/** The drain on close described at the top of this module. */
function installDraining(
  app: FastifyInstance,
  logger: Logger,
  shutdownTimeoutMs: number,
  endStreams: () => void,
): void {
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  /** Connections accepted and requests started so far: tells a quiet event-loop turn from a busy one. */
  let activity = 0;
  let onIdle: (() => void) | undefined;
  app.server.on('connection', () => activity++);
  app.server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    activity++;
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      if (inFlight.size === 0) onIdle?.();
    });
  });

  /**
   * Lets the event loop turn until a turn passes with no connection accepted
   * and no request started (or `deadline` passes): what clients had sent by
   * now has then been read. Two setImmediate hops hold at least one poll of
   * the sockets, and a connection accepted in one poll is read in the next.
   */
  const quiet = async (deadline: number): Promise<void> => {
    for (;;) {
      const before = activity;
      await nextTurn();
      await nextTurn();
      if (activity === before || Date.now() >= deadline) return;
    }
  };

  /** Resolves true once nothing is in flight and the sockets are quiet; false when `deadline` passes first. */
  const settled = async (deadline: number): Promise<boolean> => {
    for (;;) {
      await quiet(deadline);
      if (inFlight.size === 0) return true;
      let timer: NodeJS.Timeout | undefined;
      const idle = await Promise.race([
        new Promise<boolean>((resolve) => (onIdle = () => resolve(true))),
        new Promise<boolean>(
          (resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))),
        ),
      ]);
      clearTimeout(timer);
      onIdle = undefined;
      if (!idle) return false;
    }
  };

  // First of all hooks, so a refused request costs nothing else (no token check, no parsing).
  app.addHook('onRequest', async (request, reply) => {
    if (!draining) return;
    request.raw.resume();
    await finished(request.raw).catch(() => undefined);
    return reply
      .code(503)
      .header('connection', 'close')
      .type('application/json')
      .send(
        errorBody(
          'Unavailable',
          'the control plane is shutting down; send the request again, to another instance if there is one',
        ),
      );
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (draining) reply.header('connection', 'close');
    return payload;
  });

  app.addHook('preClose', async () => {
    draining = true;
    endStreams();
    const server = app.server;
    if (!server.listening) return;
    const deadline = Date.now() + shutdownTimeoutMs;
    logger.info(
      { inFlight: inFlight.size },
      `REST API draining: new requests get 503; requests in flight get up to ${shutdownTimeoutMs} ms`,
    );
    // Accept what already waits in the backlog (closing the listener would reset it), then stop listening
    // without touching open connections (http.Server#close would close the idle ones now).
    await quiet(deadline);
    NetServer.prototype.close.call(server);
    if (!(await settled(deadline))) {
      logger.warn(
        { inFlight: inFlight.size },
        `REST API: ${inFlight.size} REST request(s) still in flight after ${shutdownTimeoutMs} ms; cutting them`,
      );
      server.closeAllConnections();
    }
    // fastify's server.close() now closes the idle connections.
  });
}
