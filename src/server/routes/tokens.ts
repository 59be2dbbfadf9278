/**
 * `POST /tokens/dataplane` (Kuma's endpoint): a dataplane token for one mesh,
 * optionally bound to one dataplane name, some tag values and a proxy type.
 *
 *   {name?, mesh, tags?: {key: [values]}, type?: dataplane|ingress|egress, validFor: "24h"}
 *   ─► 200 text/plain: the JWT
 *
 * Signed with the mesh's newest signing key. Only administrators reach this
 * route (access.ts: it is a POST). `validFor` is required, as kumactl always
 * sends it: a token's lifetime is a choice, not a default to discover later.
 *
 * `POST /tokens/dataplane/revocations {mesh, id}` (Koguma's own) adds a token
 * id to the mesh's revocation Secret with the store's conflict detection. The
 * Secret can also be written directly, as in Kuma, but a read and a PUT
 * through the API can lose a concurrent revocation; this cannot.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  parseDuration,
  invalidInput,
  issuesAgainst,
  MeshName,
  NAME_MAX_LENGTH,
  NAME_PATTERN,
  StringEnum,
  TAG_PATTERN,
  TagValue,
} from '../../api/index.js';
import { issueDataplaneToken, issuingSigningKey, PROXY_TYPES, revokeToken, type ProxyType } from '../../auth/index.js';
import type { ResourceManager } from '../../manager/index.js';

export const DataplaneTokenRequest = Type.Object(
  {
    name: Type.Optional(
      Type.String({
        maxLength: NAME_MAX_LENGTH,
        pattern: `(${NAME_PATTERN})|^$`,
        errorMessage:
          'must be a dataplane name (lower case letters, digits, "-" and "."), or empty for any dataplane of the mesh',
      }),
    ),
    mesh: MeshName(),
    tags: Type.Optional(
      Type.Record(Type.String({ pattern: TAG_PATTERN }), Type.Array(TagValue(), { minItems: 1 }), {
        additionalProperties: false,
      }),
    ),
    type: Type.Optional(StringEnum(PROXY_TYPES)),
    validFor: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

export const RevocationRequest = Type.Object(
  {
    mesh: MeshName(),
    id: Type.String({
      pattern: '^[^,\\s]+$',
      errorMessage: 'must be a token id (its jti claim): non-empty, without commas or spaces',
    }),
  },
  { additionalProperties: false },
);

interface TokenRequestBody {
  readonly name?: string;
  readonly mesh: string;
  readonly tags?: Record<string, string[]>;
  readonly type?: ProxyType;
  readonly validFor: string;
}

export function registerTokenRoutes(app: FastifyInstance, manager: ResourceManager): void {
  app.post('/tokens/dataplane', async (request, reply) => {
    const body = request.body ?? {};
    const issues = issuesAgainst(DataplaneTokenRequest, body, '');
    const validFor = (body as { validFor?: unknown }).validFor;
    const validForMs = typeof validFor === 'string' && validFor !== '' ? lifetimeOf(validFor, issues) : undefined;
    if (issues.length > 0 || validForMs === undefined)
      throw invalidInput(issues, 'the dataplane token request is not valid');
    const { name, mesh, tags, type } = body as TokenRequestBody;
    // 404 for a mesh that does not exist, before any key is created for it.
    await manager.get({ kind: 'Mesh', mesh: '', name: mesh });
    const key = await issuingSigningKey(manager.store, mesh);
    const token = await issueDataplaneToken(key, {
      mesh,
      validForMs,
      ...(name === undefined ? {} : { name }),
      ...(tags === undefined ? {} : { tags }),
      ...(type === undefined ? {} : { type }),
    });
    return reply.type('text/plain; charset=utf-8').send(token);
  });

  app.post('/tokens/dataplane/revocations', async (request) => {
    const body = request.body ?? {};
    const issues = issuesAgainst(RevocationRequest, body, '');
    if (issues.length > 0) throw invalidInput(issues, 'the revocation request is not valid');
    const { mesh, id } = body as { mesh: string; id: string };
    await manager.get({ kind: 'Mesh', mesh: '', name: mesh });
    await revokeToken(manager.store, mesh, id);
    return { mesh, id, revoked: true };
  });
}

/** `validFor` in ms, or undefined with the reason added to `issues`. */
function lifetimeOf(validFor: string, issues: { field: string; reason: string }[]): number | undefined {
  try {
    const ms = parseDuration(validFor);
    if (ms >= 1000) return ms;
    issues.push({ field: 'validFor', reason: 'must be at least 1s' });
  } catch {
    issues.push({ field: 'validFor', reason: 'must be a duration like 24h, 30m or 8760h' });
  }
  return undefined;
}
