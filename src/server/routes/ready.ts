/**
 * Whether this instance can serve writes and fresh reads: `GET /ready` (200
 * when the store answers, 503 with the outage's start and reason when not, for
 * load balancers and probes), and on every response while the store is down a
 * `Koguma-Store-Unavailable-Since` header, so a client reading data from
 * memory (inspection, proxy status) knows it may be stale.
 */
import type { FastifyInstance } from 'fastify';
import type { StoreHealth } from '../../store/index.js';

export const STALE_SINCE_HEADER = 'koguma-store-unavailable-since';

export function registerReadiness(app: FastifyInstance, health: () => StoreHealth): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    const state = health();
    if (!state.available && state.since !== undefined) void reply.header(STALE_SINCE_HEADER, state.since.toISOString());
    return payload;
  });
  app.get('/ready', async (_request, reply) => {
    const state = health();
    const store = state.available
      ? { available: true }
      : {
          available: false,
          ...(state.since === undefined ? {} : { unavailableSince: state.since.toISOString() }),
          reason: state.reason ?? '',
        };
    return reply.code(state.available ? 200 : 503).send({ ready: state.available, store });
  });
}
