/**
 * `GET /_kri/{kri}`: a resource by its KRI (api/kri.ts), as a document
 * (`?format=universal`, the default) or as a Kubernetes object
 * (`?format=kubernetes` or `k8s`). A malformed KRI is a 400 in Kuma's words;
 * one naming another zone, or nothing stored, is a 404. Secrets have no KRI,
 * so none is reachable here.
 */
import type { FastifyInstance } from 'fastify';
import { KogumaError, documentOf, invalidInput, parseKri, type KindRegistry } from '../../api/index.js';
import { LOCAL_ZONE, type ResourceManager } from '../../manager/index.js';
import { kubernetesObjectOf } from '../kubernetes-form.js';

const FORMATS = ['k8s', 'kubernetes', 'universal'];

export function registerKriRoutes(app: FastifyInstance, manager: ResourceManager, registry: KindRegistry): void {
  app.get<{ Params: { kri: string }; Querystring: { format?: string } }>(
    '/_kri/:kri',
    { config: { errorTitle: 'Could not retrieve a resource' } },
    async (request) => {
      const format = request.query.format ?? 'universal';
      if (!FORMATS.includes(format))
        throw invalidInput([{ field: 'format', reason: `must be one of: ${FORMATS.join(', ')}` }]);
      const id = parseKri(request.params.kri);
      if (id instanceof Error) throw new KogumaError('InvalidInput', `bad request: ${id.message}`, [], 'Bad Request');
      const kind = registry.byType(id.kind);
      const local = id.zone === '' || id.zone === LOCAL_ZONE;
      const meshMatches = kind !== undefined && (kind.scope === 'Mesh') === (id.mesh !== '');
      if (!kind || !local || !meshMatches)
        throw new KogumaError('NotFound', `no resource has KRI ${request.params.kri}`);
      const resource = await manager.get({ kind: kind.name, mesh: id.mesh, name: id.name });
      return format === 'universal' ? documentOf(kind, resource) : kubernetesObjectOf(kind, resource, id.namespace);
    },
  );
}
