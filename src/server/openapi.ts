/**
 * The OpenAPI 3.1 document, derived from the kind registry: one schema per
 * kind (the same TypeBox schema the API validates with) and the CRUD paths the
 * routes serve. Nothing here is written by hand per kind.
 */
import { type KindDescriptor, type KindRegistry, documentSchema } from '../api/index.js';
import { livePaths, liveSchemas } from './openapi-live.js';
import { errorResponse, json, ref } from './openapi-parts.js';
import { viewPaths, viewSchemas } from './openapi-views.js';
import { DataplaneTokenRequest, RevocationRequest } from './routes/tokens.js';

/** A plain JSON Schema: TypeBox's symbols and our private keywords removed. */
function plainSchema(schema: unknown): unknown {
  return JSON.parse(
    JSON.stringify(schema, (key, value: unknown) => (key === 'errorMessage' || key === '$id' ? undefined : value)),
  );
}

const listParameters = (kind: KindDescriptor) => [
  { name: 'size', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
  { name: 'name', in: 'query', description: 'Substring of the name', schema: { type: 'string' } },
  {
    name: 'filter',
    in: 'query',
    style: 'deepObject',
    description: 'filter[labels.KEY]=VALUE: exact label match',
    schema: { type: 'object', additionalProperties: { type: 'string' } },
  },
  ...(kind.indexTags
    ? [
        {
          name: 'tag',
          in: 'query',
          description: 'KEY:VALUE, repeatable: a tag KEY whose value contains VALUE (`*` or empty: any value)',
          schema: { type: 'array', items: { type: 'string' } },
        },
      ]
    : []),
  ...(kind.name === 'Dataplane'
    ? [
        {
          name: 'gateway',
          in: 'query',
          description: 'Only gateway dataplanes (true, builtin, delegated) or only the others (false)',
          schema: { type: 'string', enum: ['true', 'false', 'builtin', 'delegated'] },
        },
      ]
    : []),
];

function listSchema(kind: KindDescriptor) {
  return {
    type: 'object',
    required: ['total', 'items', 'next'],
    properties: {
      total: { type: 'integer' },
      items: { type: 'array', items: ref(kind.name) },
      next: { type: ['string', 'null'], description: 'Absolute URL of the next page' },
    },
  };
}

function kindPaths(kind: KindDescriptor): Record<string, unknown> {
  const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
  const item = kind.scope === 'Global' ? `/${kind.plural}/{name}` : `/meshes/{mesh}/${kind.plural}/{name}`;
  const collection = kind.scope === 'Global' ? `/${kind.plural}` : `/meshes/{mesh}/${kind.plural}`;
  const itemParams = kind.scope === 'Global' ? [pathParam('name')] : [pathParam('mesh'), pathParam('name')];
  const tag = [kind.name];
  const paths: Record<string, unknown> = {
    [collection]: {
      get: {
        tags: tag,
        summary: `List ${kind.pluralDisplayName}`,
        parameters: [...(kind.scope === 'Mesh' ? [pathParam('mesh')] : []), ...listParameters(kind)],
        responses: { 200: { description: 'A page', ...json(listSchema(kind)) }, 400: errorResponse('Bad parameters') },
      },
    },
    [item]: {
      parameters: itemParams,
      get: {
        tags: tag,
        summary: `Get a ${kind.singularDisplayName}`,
        responses: { 200: { description: 'The resource', ...json(ref(kind.name)) }, 404: errorResponse('Not found') },
      },
      put: {
        tags: tag,
        summary: `Create or replace a ${kind.singularDisplayName}`,
        parameters: [
          {
            name: 'dryRun',
            in: 'query',
            description:
              'true: every check of the write, the same answer (header Koguma-Dry-Run: true), nothing stored',
            schema: { type: 'boolean', default: false },
          },
        ],
        requestBody: { required: true, ...json(ref(kind.name)) },
        responses: {
          200: { description: 'Replaced', ...json(ref('PutResult')) },
          201: { description: 'Created', ...json(ref('PutResult')) },
          400: errorResponse('Invalid resource'),
          404: errorResponse('Mesh not found'),
          409: errorResponse('Concurrent change'),
          413: errorResponse('Body too large'),
        },
      },
      delete: {
        tags: tag,
        summary: `Delete a ${kind.singularDisplayName}`,
        responses: { 200: { description: 'Deleted' }, 404: errorResponse('Not found') },
      },
    },
  };
  if (kind.scope === 'Mesh') {
    paths[`/${kind.plural}`] = {
      get: {
        tags: tag,
        summary: `List ${kind.pluralDisplayName} of every mesh`,
        parameters: listParameters(kind),
        responses: { 200: { description: 'A page', ...json(listSchema(kind)) } },
      },
    };
  }
  return paths;
}

/** The token endpoints (routes/tokens.ts), from the schemas they validate with. */
function tokenPaths(): Record<string, unknown> {
  const admin = [{ bearer: [] }];
  return {
    '/tokens/dataplane': {
      post: {
        tags: ['Tokens'],
        summary: 'Issue a dataplane token (administrators only)',
        security: admin,
        requestBody: { required: true, ...json(plainSchema(DataplaneTokenRequest)) },
        responses: {
          200: { description: 'The token (a JWT)', content: { 'text/plain': { schema: { type: 'string' } } } },
          400: errorResponse('Invalid request'),
          403: errorResponse('Not an administrator'),
          404: errorResponse('Mesh not found'),
        },
      },
    },
    '/tokens/dataplane/revocations': {
      post: {
        tags: ['Tokens'],
        summary:
          'Revoke a dataplane token by its id (adds it to the Secret dataplane-token-revocations-<mesh>; administrators only)',
        security: admin,
        requestBody: { required: true, ...json(plainSchema(RevocationRequest)) },
        responses: {
          200: {
            description: 'Revoked',
            ...json({
              type: 'object',
              properties: { mesh: { type: 'string' }, id: { type: 'string' }, revoked: { const: true } },
            }),
          },
          400: errorResponse('Invalid request'),
          403: errorResponse('Not an administrator'),
          404: errorResponse('Mesh not found'),
        },
      },
    },
  };
}

export function buildOpenApi(registry: KindRegistry, version: string): Record<string, unknown> {
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      required: ['type', 'status', 'title', 'detail'],
      properties: {
        type: { type: 'string', const: '/std-errors' },
        status: { type: 'integer' },
        title: { type: 'string' },
        detail: { type: 'string' },
        invalid_parameters: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'reason'],
            properties: { field: { type: 'string' }, reason: { type: 'string' } },
          },
        },
      },
    },
    PutResult: { type: 'object', properties: { warnings: { type: 'array', items: { type: 'string' } } } },
    ...viewSchemas(),
    ...liveSchemas(),
  };
  let paths: Record<string, unknown> = {};
  for (const kind of registry.kinds) {
    if (Object.hasOwn(schemas, kind.name)) throw new Error(`OpenAPI: the kind ${kind.name} has a view's schema name`);
    schemas[kind.name] = plainSchema(documentSchema(kind));
    paths = { ...paths, ...kindPaths(kind) };
  }
  paths = { ...paths, ...tokenPaths(), ...viewPaths(), ...livePaths() };
  return {
    openapi: '3.1.0',
    info: { title: 'Koguma API', version, description: 'Kuma-compatible REST API of the Koguma control plane.' },
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A user token' } },
    },
  };
}
