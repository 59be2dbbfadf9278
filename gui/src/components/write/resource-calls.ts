/**
 * The writes of the GUI: one PUT (dry or real) or one DELETE of one
 * resource, with the signed-in token. Kinds are chosen at run time, so these
 * go by path rather than through the typed client's per-kind paths.
 */
import { apiError } from '../../api/errors';
import { currentToken } from '../../api/session';

/** The answer a dry run carries (src/server/routes/dry-run.ts). */
export const DRY_RUN_HEADER = 'Koguma-Dry-Run';

export interface PutAnswer {
  readonly created: boolean;
  /** Whether the server said it stored nothing. */
  readonly dryRun: boolean;
}

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  const headers = new Headers({ accept: 'application/json' });
  const token = currentToken();
  if (token !== undefined) headers.set('Authorization', `Bearer ${token}`);
  if (body !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(window.location.origin + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = { title: `HTTP ${response.status}`, detail: text };
    }
    throw apiError(response.status, parsed);
  }
  return response;
}

/** Creates or replaces the resource at `path`; with `dryRun`, every check and nothing stored. */
export async function putResource(path: string, document: unknown, dryRun: boolean): Promise<PutAnswer> {
  const response = await call('PUT', dryRun ? `${path}?dryRun=true` : path, document);
  return { created: response.status === 201, dryRun: response.headers.get(DRY_RUN_HEADER) === 'true' };
}

export async function deleteResource(path: string): Promise<void> {
  await call('DELETE', path);
}

export async function getResource(path: string): Promise<Record<string, unknown>> {
  return (await (await call('GET', path)).json()) as Record<string, unknown>;
}

/** The JSON Schemas of every kind: the OpenAPI document's components. */
export async function getSchemas(): Promise<Record<string, unknown>> {
  const document = (await (await call('GET', '/openapi.json')).json()) as {
    components?: { schemas?: Record<string, unknown> };
  };
  return document.components?.schemas ?? {};
}
