/**
 * The GUI's live and cluster endpoints in the OpenAPI document, beside the
 * read views (openapi-views.ts): the event stream and its events' data, the
 * instances sharing the store, the newest NACKs, and the policy kinds. The
 * routes build these bodies as plain objects (routes/events.ts,
 * instances.ts, nacks.ts, info.ts), so their schemas are written here once.
 */
import { bool, errorResponse, int, json, object as anObject, ref, str, time } from './openapi-parts.js';

/** Every field of these bodies is always present. */
const object = (properties: Record<string, unknown>, required: readonly string[] = Object.keys(properties)) =>
  anObject(properties, required);

export function liveSchemas(): Record<string, unknown> {
  return {
    PolicyTypes: object({
      policies: {
        type: 'array',
        items: object({
          name: str,
          readOnly: bool,
          path: str,
          singularDisplayName: str,
          pluralDisplayName: str,
          isExperimental: bool,
          isTargetRefBased: bool,
          isInbound: bool,
          isOutbound: bool,
        }),
      },
    }),
    ControlPlaneInstance: object(
      {
        id: str,
        hostname: str,
        apiUrl: str,
        xdsUrl: str,
        startTime: time,
        lastHeartbeat: time,
        alive: bool,
        self: bool,
        proxies: int,
      },
      ['id', 'startTime', 'lastHeartbeat', 'alive', 'self', 'proxies'],
    ),
    ControlPlaneInstanceList: object({ total: int, items: { type: 'array', items: ref('ControlPlaneInstance') } }),
    Nack: object({
      mesh: str,
      name: str,
      type: { type: 'string', enum: ['cds', 'eds', 'lds', 'rds', 'sds'] },
      time,
      version: str,
      error: str,
      instance: str,
    }),
    NackList: object({ items: { type: 'array', items: ref('Nack') } }),
    EventHello: object({
      instance: str,
      store: object({ available: bool, since: time, reason: str }, ['available']),
      time,
    }),
    EventResource: object({
      op: { type: 'string', enum: ['create', 'update', 'delete'] },
      type: str,
      mesh: { type: ['string', 'null'] },
      name: str,
      version: int,
    }),
    EventProxy: object(
      {
        mesh: str,
        name: str,
        change: { type: 'string', enum: ['connected', 'disconnected', 'ack', 'nack'] },
        connected: bool,
        instance: { type: ['string', 'null'] },
        time,
        type: str,
        version: str,
        error: str,
      },
      ['mesh', 'name', 'change', 'connected', 'instance', 'time'],
    ),
    EventOverflow: object({ reason: str }),
  };
}

export function livePaths(): Record<string, unknown> {
  const get = (tag: string, summary: string, schema: unknown, parameters: unknown[] = []) => ({
    get: {
      tags: [tag],
      summary,
      ...(parameters.length > 0 ? { parameters } : {}),
      responses: { 200: { description: summary, ...json(schema) }, 400: errorResponse('Bad parameters') },
    },
  });
  return {
    '/policies': get('Discovery', 'Every policy kind', ref('PolicyTypes')),
    '/_events': {
      get: {
        tags: ['Events'],
        summary:
          'Server-sent events: hello, resource, resync, proxy, overflow; their data is EventHello, EventResource, {}, EventProxy, EventOverflow',
        parameters: [{ name: 'mesh', in: 'query', description: 'Only the events of this mesh', schema: str }],
        responses: {
          200: { description: 'An event stream', content: { 'text/event-stream': { schema: str } } },
          503: errorResponse('Too many streams are open'),
        },
      },
    },
    '/_instances': get('Status', 'The control-plane instances sharing the store', ref('ControlPlaneInstanceList')),
    '/_nacks': get('Status', 'The newest NACKs across meshes, newest first', ref('NackList'), [
      { name: 'size', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
    ]),
  };
}
