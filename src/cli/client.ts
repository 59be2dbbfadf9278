/**
 * A small typed client of the REST API (KUMA-COMPAT.md, "REST API"). It returns
 * parsed bodies and turns every failure into a CliError a person can act on:
 *
 *   network failure  ─► "cannot reach the control plane at <url>: <reason>"
 *   non-2xx answer   ─► ApiError carrying the server's {title, detail, invalid_parameters}
 *
 * With a token, every request carries `Authorization: Bearer <token>`.
 */
import { ApiError, CliError, type ServerErrorBody } from './errors.js';
import type { ResourceDocument } from './columns.js';

/** `GET /`. */
export interface ServerIndex {
  readonly product?: string;
  readonly version?: string;
  readonly hostname?: string;
  readonly instanceId?: string;
  readonly clusterId?: string;
}

export interface ResourceList {
  readonly total: number;
  readonly items: ResourceDocument[];
}

export interface PutResult {
  /** 201 (created) rather than 200 (updated). */
  readonly created: boolean;
  readonly warnings: string[];
}

interface ListPage {
  readonly total?: number;
  readonly items?: ResourceDocument[];
  readonly next?: string | null;
}

/** The largest page the server hands out; fewer round trips for big lists. */
export const PAGE_SIZE = 1000;
const DEFAULT_TIMEOUT_MS = 30_000;

export interface ClientOptions {
  readonly timeoutMs?: number;
  /** A user token, sent on every request. */
  readonly token?: string;
}

/** Why a fetch failed, in the words of the socket error rather than "fetch failed". */
function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  const cause =
    error instanceof Error ? (error.cause as (Error & { code?: string; errors?: Error[] }) | undefined) : undefined;
  if (cause !== undefined) {
    if (cause.message) return cause.message;
    // Connecting to "localhost" tries every address and fails with an AggregateError.
    const inner = cause.errors?.[0]?.message;
    if (inner) return inner;
    if (cause.code) return cause.code;
  }
  return error instanceof Error ? error.message : String(error);
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly token: string | undefined;

  constructor(baseUrl: string, options: ClientOptions = {}) {
    let base: URL;
    try {
      base = new URL(baseUrl);
    } catch {
      throw new CliError(`invalid API URL ${JSON.stringify(baseUrl)}: expected something like http://127.0.0.1:5681`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new CliError(`invalid API URL ${JSON.stringify(baseUrl)}: must start with http:// or https://`);
    this.base = base;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.token = options.token;
  }

  /** Whether requests carry a token. */
  get authenticated(): boolean {
    return this.token !== undefined;
  }

  /** A URL under the base, keeping any path prefix of the base (a proxy may mount the API under one). */
  url(path: string, query?: URLSearchParams): URL {
    const url = new URL(this.baseUrl + path);
    if (query) url.search = query.toString();
    return url;
  }

  private async request(
    method: string,
    url: URL,
    body?: unknown,
    as: 'json' | 'text' = 'json',
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = {
      accept: as === 'json' ? 'application/json' : 'text/plain, application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token !== undefined) headers['authorization'] = `Bearer ${this.token}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new CliError(`cannot reach the control plane at ${this.baseUrl}: ${networkReason(error)}`);
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      parsed = undefined;
    }
    if (response.ok && as === 'text') return { status: response.status, body: text };
    if (!response.ok) {
      const errorBody = typeof parsed === 'object' && parsed !== null ? (parsed as ServerErrorBody) : undefined;
      throw new ApiError(response.status, response.statusText, errorBody);
    }
    if (text !== '' && parsed === undefined)
      throw new CliError(`unexpected answer from ${url.href}: not JSON (is ${this.baseUrl} a Koguma control plane?)`);
    return { status: response.status, body: parsed };
  }

  /** `next` on our origin, under our path prefix if the server left it out (a proxy mounted it). */
  private rebase(next: URL): URL {
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const path = prefix === '' || next.pathname.startsWith(`${prefix}/`) ? next.pathname : prefix + next.pathname;
    return new URL(path + next.search, this.base.origin);
  }

  /** `GET /`: who the server is. */
  async index(): Promise<ServerIndex> {
    return (await this.request('GET', this.url('/'))).body as ServerIndex;
  }

  async get(path: string, query?: URLSearchParams): Promise<ResourceDocument> {
    return (await this.request('GET', this.url(path, query))).body as ResourceDocument;
  }

  /** A GET whose answer is text as the server sent it (Envoy's admin output). */
  async getText(path: string, query?: URLSearchParams): Promise<string> {
    return (await this.request('GET', this.url(path, query), undefined, 'text')).body as string;
  }

  /** Like `get`, but a 404 is an answer (undefined) rather than an error. */
  async find(path: string): Promise<ResourceDocument | undefined> {
    try {
      return await this.get(path);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async put(path: string, document: unknown): Promise<PutResult> {
    const { status, body } = await this.request('PUT', this.url(path), document);
    const warnings = (body as { warnings?: unknown } | undefined)?.warnings;
    return { created: status === 201, warnings: Array.isArray(warnings) ? warnings.map(String) : [] };
  }

  async delete(path: string): Promise<void> {
    await this.request('DELETE', this.url(path));
  }

  /** A POST with a JSON answer. */
  async post(path: string, body: unknown): Promise<unknown> {
    return (await this.request('POST', this.url(path), body)).body;
  }

  /** A POST whose answer is text (`POST /tokens/dataplane` answers the token itself). */
  async postForText(path: string, body: unknown): Promise<string> {
    return (await this.request('POST', this.url(path), body, 'text')).body as string;
  }

  /**
   * Every item of a list, following `next` page by page. The server's `next`
   * is absolute, built from the host it believes it has; only its path and query
   * are kept, on our base URL's origin, since that origin is the one we can reach
   * (port forwards, NAT, a server bound to 0.0.0.0).
   */
  async listAll(path: string, query: URLSearchParams = new URLSearchParams()): Promise<ResourceList> {
    const first = new URLSearchParams(query);
    first.set('size', String(PAGE_SIZE));
    let url: URL | undefined = this.url(path, first);
    const visited = new Set<string>();
    const items: ResourceDocument[] = [];
    while (url !== undefined) {
      if (visited.has(url.href)) throw new CliError(`the server's list paging loops at ${url.href}`);
      visited.add(url.href);
      const page = (await this.request('GET', url)).body as ListPage;
      items.push(...(page.items ?? []));
      if (typeof page.next === 'string' && page.next !== '') {
        url = this.rebase(new URL(page.next, url));
      } else {
        url = undefined;
      }
    }
    return { total: items.length, items };
  }
}
