/**
 * `PUT ...?dryRun=true`: the write's every check (access control and
 * read-only mode run before the route, the manager runs the rest) and its
 * answer, status and body alike, without storing anything. The answer says
 * so in the header `Koguma-Dry-Run: true`. Any other value than true or
 * false is a 400 naming `dryRun`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidInput, type ExpectedIdentity } from '../../api/index.js';
import type { PutResult, ResourceManager } from '../../manager/index.js';

export const DRY_RUN_HEADER = 'Koguma-Dry-Run';

/** Whether the request asks for a dry run (`dryRun=true`, case aside). */
export function isDryRun(request: FastifyRequest): boolean {
  const raw = (request.query as Record<string, string | string[] | undefined>)['dryRun'];
  const value = (Array.isArray(raw) ? raw.at(-1) : raw)?.toLowerCase();
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw invalidInput([{ field: 'dryRun', reason: `must be true or false, not "${value}"` }]);
}

/** The manager's put, dry when asked; a dry answer carries the header. */
export async function putWith(
  manager: ResourceManager,
  request: FastifyRequest,
  reply: FastifyReply,
  expected: ExpectedIdentity,
): Promise<PutResult> {
  const dryRun = isDryRun(request);
  if (dryRun) void reply.header(DRY_RUN_HEADER, 'true');
  return manager.put(request.body, expected, { dryRun });
}
