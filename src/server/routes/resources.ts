/**
 * CRUD for every kind, driven by the kind registry:
 *   global kinds      GET /meshes, GET|PUT|DELETE /meshes/{name}, and likewise /{plural}[/{name}]
 *   mesh-scoped kinds GET /meshes/{mesh}/{plural}, GET|PUT|DELETE /meshes/{mesh}/{plural}/{name},
 *                     GET /{plural} (across meshes)
 * PUT creates (201) or replaces (200) and answers `{}`, as Kuma does; the
 * body's type, mesh and name must equal the URL. With `?dryRun=true` a PUT
 * runs every check and answers as the write would, with the header
 * `Koguma-Dry-Run: true`, and stores nothing (dry-run.ts). A kind whose status is
 * computed when read (a MeshService's proxy counts and addresses) is shown
 * with what its `ReadTimeStatus` provider answers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KogumaError, type KindDescriptor, type KindRegistry, type Resource, documentOf } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { listFiltersOf, nextPageUrl, parseListParams } from '../list-query.js';
import { putWith } from './dry-run.js';

type Query = Record<string, string | string[] | undefined>;

// What each route reports failing, in Kuma's words (errors.ts).
const LIST = { config: { errorTitle: 'Could not retrieve resources' } };
const GET = { config: { errorTitle: 'Could not retrieve a resource' } };
const PUT = { config: { errorTitle: 'Could not process a resource' } };
const DELETE = { config: { errorTitle: 'Could not delete a resource' } };

/** A PUT's answer: `{}`, or the kind's warnings about what was written when it has some (Kuma's two forms). */
const putAnswer = (warnings: readonly string[]): { warnings?: readonly string[] } =>
  warnings.length > 0 ? { warnings } : {};

/**
 * Statuses computed when read, by kind name: for each resource of one answer,
 * in order, the status to show, or undefined to show the stored one. Called
 * once per answer, so that a page reads what it needs once.
 */
export type ReadTimeStatus = Readonly<
  Record<string, (resources: readonly Resource[]) => Promise<readonly (object | undefined)[]>>
>;

export function registerResourceRoutes(
  app: FastifyInstance,
  manager: ResourceManager,
  registry: KindRegistry,
  readTimeStatus: ReadTimeStatus = {},
): void {
  const meshKind = registry.byType('Mesh')!;

  async function documentsOf(kind: KindDescriptor, resources: readonly Resource[]) {
    const documents = resources.map((resource) => documentOf(kind, resource));
    const provider = kind.hasStatus && resources.length > 0 ? readTimeStatus[kind.name] : undefined;
    if (provider === undefined) return documents;
    const statuses = await provider(resources);
    statuses.forEach((status, i) => {
      if (status !== undefined && documents[i] !== undefined) documents[i]['status'] = status;
    });
    return documents;
  }
  const documentOne = async (kind: KindDescriptor, resource: Resource) => (await documentsOf(kind, [resource]))[0];

  const kindAt = (plural: string, scope?: 'Global' | 'Mesh'): KindDescriptor => {
    const kind = registry.byPath(plural);
    if (!kind || (scope !== undefined && kind.scope !== scope))
      throw new KogumaError('NotFound', `unknown resource type "${plural}"`, [], 'Not found');
    return kind;
  };
  const meshScoped = (plural: string): KindDescriptor => kindAt(plural, 'Mesh');
  // Mesh has its own routes below (`/meshes/{name}` is the more specific path).
  const globalKind = (plural: string): KindDescriptor => kindAt(plural, 'Global');

  const baseUrl = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;

  async function list(request: FastifyRequest, kind: KindDescriptor, mesh: string | undefined) {
    const query = request.query as Query;
    const route = mesh === undefined ? `/${kind.plural}` : `/meshes/{mesh}/${kind.plural}`;
    const params = parseListParams(query, {
      tags: kind.indexTags !== undefined,
      gateway: kind.name === 'Dataplane',
      route,
    });
    const page = await manager.list({
      kind: kind.name,
      ...(mesh !== undefined ? { mesh } : {}),
      ...listFiltersOf(params),
      offset: params.offset,
      limit: params.size,
    });
    return {
      total: page.total,
      items: await documentsOf(kind, page.items),
      next: nextPageUrl(baseUrl(request), request.url.split('?')[0] ?? '', query, params, page.total),
    };
  }

  // Meshes (the one global kind).
  app.get('/meshes', LIST, (request) => list(request, meshKind, undefined));
  app.get<{ Params: { name: string } }>('/meshes/:name', GET, async (request) =>
    documentOf(meshKind, await manager.get({ kind: 'Mesh', mesh: '', name: request.params.name })),
  );
  app.put<{ Params: { name: string } }>('/meshes/:name', PUT, async (request, reply) => {
    const { created, warnings } = await putWith(manager, request, reply, { kind: 'Mesh', name: request.params.name });
    return reply.status(created ? 201 : 200).send(putAnswer(warnings));
  });
  app.delete<{ Params: { name: string } }>('/meshes/:name', DELETE, async (request) => {
    await manager.delete({ kind: 'Mesh', mesh: '', name: request.params.name });
    return {};
  });

  // Every kind by its path: a global kind's list, or a mesh-scoped kind's list across meshes.
  app.get<{ Params: { plural: string } }>('/:plural', LIST, (request) =>
    list(request, kindAt(request.params.plural), undefined),
  );

  // Other global kinds (Zone, GlobalSecret, HostnameGenerator, the zone proxies and their insights).
  app.get<{ Params: { plural: string; name: string } }>('/:plural/:name', GET, async (request) => {
    const kind = globalKind(request.params.plural);
    return documentOf(kind, await manager.get({ kind: kind.name, mesh: '', name: request.params.name }));
  });
  app.put<{ Params: { plural: string; name: string } }>('/:plural/:name', PUT, async (request, reply) => {
    const kind = globalKind(request.params.plural);
    const { created, warnings } = await putWith(manager, request, reply, {
      kind: kind.name,
      name: request.params.name,
    });
    return reply.status(created ? 201 : 200).send(putAnswer(warnings));
  });
  app.delete<{ Params: { plural: string; name: string } }>('/:plural/:name', DELETE, async (request) => {
    const kind = globalKind(request.params.plural);
    await manager.delete({ kind: kind.name, mesh: '', name: request.params.name });
    return {};
  });

  // Mesh-scoped kinds.
  app.get<{ Params: { mesh: string; plural: string } }>('/meshes/:mesh/:plural', LIST, (request) =>
    list(request, meshScoped(request.params.plural), request.params.mesh),
  );
  app.get<{ Params: { mesh: string; plural: string; name: string } }>(
    '/meshes/:mesh/:plural/:name',
    GET,
    async (request) => {
      const kind = meshScoped(request.params.plural);
      const { mesh, name } = request.params;
      return documentOne(kind, await manager.get({ kind: kind.name, mesh, name }));
    },
  );
  app.put<{ Params: { mesh: string; plural: string; name: string } }>(
    '/meshes/:mesh/:plural/:name',
    PUT,
    async (request, reply) => {
      const kind = meshScoped(request.params.plural);
      const { mesh, name } = request.params;
      const { created, warnings } = await putWith(manager, request, reply, { kind: kind.name, mesh, name });
      return reply.status(created ? 201 : 200).send(putAnswer(warnings));
    },
  );
  app.delete<{ Params: { mesh: string; plural: string; name: string } }>(
    '/meshes/:mesh/:plural/:name',
    DELETE,
    async (request) => {
      const kind = meshScoped(request.params.plural);
      const { mesh, name } = request.params;
      await manager.delete({ kind: kind.name, mesh, name });
      return {};
    },
  );
}
