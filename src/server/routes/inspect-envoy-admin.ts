/**
 * A dataplane's Envoy admin API through the control plane, as Kuma serves it:
 *
 *   GET /meshes/{mesh}/dataplanes/{name}/xds[?include_eds=true]   config dump (JSON)
 *   GET /meshes/{mesh}/dataplanes/{name}/stats[?format=json]      stats (text)
 *   GET /meshes/{mesh}/dataplanes/{name}/clusters[?format=json]   clusters (text)
 *
 * The control plane does not dial the proxy: it asks the dataplane's agent
 * over the admin channel the agent keeps open to the DP server, and the
 * agent reads its Envoy (src/xds/server/admin-tunnels.ts,
 * src/dp/admin-tunnel.ts). Envoy's output comes back as it is, except the
 * dataplane token, which the agent redacts from the config dump (Envoy
 * redacts private keys itself). `format=json` is Koguma's: Envoy's JSON
 * forms of stats and clusters, for programs.
 *
 * Errors, in Kuma's body: 404 no such dataplane (or mesh); 400 a bad query
 * parameter; 503 when the agent is not connected to this instance, does not
 * answer in time, cannot reach its Envoy, or Envoy answers other than 200.
 * The config dump is for administrators (access.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { KogumaError } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import type { AdminPath, AdminRequest, EnvoyAdminSource } from '../../xds/server/index.js';

type Query = Record<string, string | string[] | undefined>;
type Params = { mesh: string; name: string };

/** One value of a query parameter; a repeated one is refused. */
function single(query: Query, field: string): string | undefined {
  const value = query[field];
  if (Array.isArray(value))
    throw new KogumaError('InvalidInput', `${field} may be given once`, [{ field, reason: 'may be given once' }]);
  return value;
}

/** `include_eds`: absent or false, or present (empty) or true. */
function includeEds(query: Query): boolean {
  const value = single(query, 'include_eds');
  if (value === undefined || value === 'false') return false;
  if (value === '' || value === 'true') return true;
  throw new KogumaError('InvalidInput', 'include_eds must be true or false', [
    { field: 'include_eds', reason: 'must be true or false' },
  ]);
}

/** `format`: Envoy's text (absent, or `text`) or JSON (`json`). */
function jsonFormat(query: Query): boolean {
  const value = single(query, 'format');
  if (value === undefined || value === 'text') return false;
  if (value === 'json') return true;
  throw new KogumaError('InvalidInput', 'format must be text or json', [
    { field: 'format', reason: 'must be text or json' },
  ]);
}

/** The first part of a body, for an error message. */
const excerpt = (body: Uint8Array): string => {
  const text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 300)).toString('utf8').trim();
  return text === '' ? '(no body)' : text;
};

/** How the proxy of a dataplane is configured, when this instance serves it: `grpc` has no Envoy. */
export type FlavourOf = (mesh: string, name: string) => 'envoy' | 'grpc' | undefined;

export function registerEnvoyAdminRoutes(
  app: FastifyInstance,
  manager: ResourceManager,
  envoyAdmin: EnvoyAdminSource,
  flavourOf: FlavourOf = () => undefined,
): void {
  /** Envoy's answer to `request` for the dataplane of the URL, sent as `contentType`. */
  const relay = async (params: Params, request: AdminRequest, contentType: string, reply: FastifyReply) => {
    const { mesh, name } = params;
    await manager.get({ kind: 'Dataplane', mesh, name });
    if (flavourOf(mesh, name) === 'grpc') {
      throw new KogumaError(
        'Unavailable',
        `dataplane ${mesh}/${name} is a proxyless gRPC application: it has no Envoy, and so no Envoy admin API`,
      );
    }
    const answer = await envoyAdmin.fetch(`${mesh}.${name}`, request);
    if (answer.status !== 200) {
      throw new KogumaError(
        'Unavailable',
        `the Envoy of dataplane ${mesh}/${name} answered ${answer.status} to /${request.path}: ${excerpt(answer.body)}`,
      );
    }
    return reply
      .type(contentType)
      .send(Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength));
  };

  app.get<{ Params: Params }>('/meshes/:mesh/dataplanes/:name/xds', async (request, reply) => {
    const query = request.query as Query;
    return relay(
      request.params,
      { path: 'config_dump', query: includeEds(query) ? { include_eds: '' } : {} },
      'application/json',
      reply,
    );
  });

  for (const path of ['stats', 'clusters'] as const satisfies readonly AdminPath[]) {
    app.get<{ Params: Params }>(`/meshes/:mesh/dataplanes/:name/${path}`, async (request, reply) => {
      const json = jsonFormat(request.query as Query);
      return relay(
        request.params,
        { path, query: json ? { format: 'json' } : {} },
        json ? 'application/json' : 'text/plain',
        reply,
      );
    });
  }
}
