/**
 * `GET /_nacks?size=N`: the newest configurations proxies rejected, across
 * meshes, newest first (at most 100, 20 by default), from the insights'
 * per-type `lastNack`:
 *
 *   {items: [{mesh, name, type: cds|eds|lds|rds|sds, time, version, error, instance}]}
 */
import type { FastifyInstance } from 'fastify';
import type { Resource } from '../../api/index.js';
import { invalidInput } from '../../api/index.js';
import { recentNacks } from '../../insights/index.js';

export const DEFAULT_NACKS = 20;
export const MAX_NACKS = 100;

export function registerNackRoutes(app: FastifyInstance, insights: { insightRecords(): Iterable<Resource> }): void {
  app.get('/_nacks', async (request) => {
    const raw = (request.query as Record<string, string | string[] | undefined>)['size'];
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    let size = DEFAULT_NACKS;
    if (value !== undefined) {
      size = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(size) || size < 1 || size > MAX_NACKS)
        throw invalidInput([
          { field: 'size', reason: `must be a whole number from 1 to ${MAX_NACKS}, not "${value}"` },
        ]);
    }
    return { items: recentNacks(insights.insightRecords(), size) };
  });
}
