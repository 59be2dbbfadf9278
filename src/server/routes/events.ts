/**
 * `GET /_events`: live changes as server-sent events, for the GUI:
 *
 *   retry: 2000
 *   event: hello     {instance, store: {available, since?, reason?}, time}       first, once
 *   event: resource  {op: create|update|delete, type, mesh|null, name, version}  every committed store change
 *   event: resync    {}                        changes were missed (the store's log moved on): reload everything
 *   event: proxy     {mesh, name, connected, instance, change, time, type?, version?, error?}
 *   event: overflow  {reason}                  last, when the client fell behind (sse.ts)
 *   : heartbeat                                a comment every 15 s
 *
 * Resource events come from the store's change feed, so every instance
 * announces every change, whichever instance made it; proxy events from the
 * insight index (proxy-changes.ts), likewise cluster-wide. An event names a
 * resource, never its content: a Secret's data is never sent. `?mesh=NAME`
 * keeps the events of that mesh (and of the Mesh itself). Streams are capped
 * (503 past `maxStreams`) and all end when the server closes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KogumaError } from '../../api/index.js';
import type { ProxyChange } from '../../insights/index.js';
import type { ResourceStore, StoreEvent, StoreHealth } from '../../store/index.js';
import { SseStream } from '../sse.js';

export interface EventSources {
  /** The store's change feed. */
  readonly changes: Pick<ResourceStore, 'watch'>;
  /** What proxies do (the insight index); no proxy events without it. */
  readonly proxies?: { onProxyChange(listener: (change: ProxyChange) => void): () => void };
  readonly storeHealth: () => StoreHealth;
  readonly instanceId: string;
}

export interface EventLimits {
  /** Concurrent streams; more are refused with 503. */
  readonly maxStreams: number;
  /** Events a stream may have waiting unsent before it is ended (overflow). */
  readonly queueLimit: number;
  readonly heartbeatMs: number;
  readonly retryMs: number;
}

export const defaultEventLimits: EventLimits = {
  maxStreams: 100,
  queueLimit: 1000,
  heartbeatMs: 15_000,
  retryMs: 2000,
};

const ops = { created: 'create', updated: 'update', deleted: 'delete' } as const;

/** A store change as the `resource` event's data. */
export function resourceEventOf(event: Exclude<StoreEvent, { op: 'resync' }>) {
  return {
    op: ops[event.op],
    type: event.kind,
    mesh: event.mesh === '' ? null : event.mesh,
    name: event.name,
    version: event.version,
  };
}

/** Whether a store change belongs to `mesh`'s stream: its resources, the Mesh itself, and every resync. */
const changeInMesh = (mesh: string | undefined, event: StoreEvent): boolean =>
  mesh === undefined || event.op === 'resync' || event.mesh === mesh || (event.kind === 'Mesh' && event.name === mesh);

/** Registers the route; the answer's `closeAll` ends every open stream (the server's drain calls it first). */
export function registerEventRoutes(
  app: FastifyInstance,
  sources: EventSources,
  limits: EventLimits = defaultEventLimits,
): { closeAll(): void } {
  const streams = new Set<SseStream>();

  app.get('/_events', (request: FastifyRequest, reply: FastifyReply) => {
    const raw = (request.query as Record<string, string | string[] | undefined>)['mesh'];
    const meshParam = Array.isArray(raw) ? raw.at(-1) : raw;
    const mesh = meshParam === undefined || meshParam === '' ? undefined : meshParam;
    if (streams.size >= limits.maxStreams)
      throw new KogumaError(
        'Unavailable',
        `too many event streams are open (${limits.maxStreams}); close one, or try again later`,
      );

    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // Reverse proxies (nginx) must not buffer a stream.
      'x-accel-buffering': 'no',
    });
    const stops: (() => void)[] = [];
    const stream = new SseStream(response, {
      queueLimit: limits.queueLimit,
      onClose: () => {
        streams.delete(stream);
        for (const stop of stops) stop();
      },
    });
    streams.add(stream);
    stream.retry(limits.retryMs);
    stream.send('hello', { instance: sources.instanceId, store: healthOf(sources.storeHealth()), time: new Date() });
    stops.push(
      sources.changes.watch((event) => {
        if (!changeInMesh(mesh, event)) return;
        if (event.op === 'resync') stream.send('resync', {});
        else stream.send('resource', resourceEventOf(event));
      }),
    );
    if (sources.proxies)
      stops.push(
        sources.proxies.onProxyChange((change) => {
          if (mesh === undefined || change.mesh === mesh) stream.send('proxy', change);
        }),
      );
    const heartbeat = setInterval(() => stream.comment('heartbeat'), limits.heartbeatMs);
    heartbeat.unref();
    stops.push(() => clearInterval(heartbeat));
  });

  return {
    closeAll: () => {
      for (const stream of [...streams]) stream.close();
    },
  };
}

const healthOf = (health: StoreHealth) => ({
  available: health.available,
  ...(health.since === undefined ? {} : { since: health.since.toISOString() }),
  ...(health.reason === undefined ? {} : { reason: health.reason }),
});
