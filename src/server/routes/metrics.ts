/**
 * `GET /metrics`: the control plane's own metrics in Prometheus's text format
 * (cp/metrics.ts makes them; docs/observability.md lists them), and the hook
 * that counts every REST request by route pattern and status. Readable
 * without a token, like the other reads (access.ts).
 */
import type { FastifyInstance } from 'fastify';

export interface ApiMetrics {
  /** One request answered; `route` is the route pattern, `undefined` when no route matched. */
  requestAnswered(method: string, route: string | undefined, status: number, seconds: number): void;
  /** The text a scrape reads, and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

export function registerMetricsRoutes(app: FastifyInstance, metrics: ApiMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.requestAnswered(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metrics.scrape();
    return reply.type(contentType).send(body);
  });
}
