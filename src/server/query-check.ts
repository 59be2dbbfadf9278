/**
 * URL parameters (path segments and query) go to the store as they are, and
 * PostgreSQL cannot hold a NUL: `GET /meshes?name=%00` must be a 400 naming
 * the parameter, not a failed query. Checked before access control and before
 * any route, for every request.
 */
import type { FastifyInstance } from 'fastify';
import { invalidInput, type InvalidParameter, stringProblem } from '../api/index.js';

type Parameters = Readonly<Record<string, unknown>> | undefined;

/** A parameter name as an error can show it: NUL and other controls escaped. */
const printable = (name: string): string => JSON.stringify(name).slice(1, -1);

function parameterIssues(parameters: Parameters): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  for (const [name, raw] of Object.entries(parameters ?? {})) {
    const nameProblem = stringProblem(name);
    if (nameProblem !== undefined) {
      issues.push({ field: printable(name), reason: `the parameter name ${nameProblem}` });
      continue;
    }
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      const problem = typeof value === 'string' ? stringProblem(value) : undefined;
      if (problem !== undefined) {
        issues.push({ field: name, reason: problem });
        break;
      }
    }
  }
  return issues;
}

export function installQueryCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const issues = [...parameterIssues(request.params as Parameters), ...parameterIssues(request.query as Parameters)];
    if (issues.length > 0) throw invalidInput(issues, 'invalid request parameters');
  });
}
