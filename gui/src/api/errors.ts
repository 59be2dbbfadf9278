/**
 * The API's errors (Kuma's format: title, detail and, for bad input, the
 * fields at fault) as one Error the pages can show, field by field.
 */
export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly fields: readonly FieldError[],
  ) {
    super(detail === '' ? title : `${title}: ${detail}`);
  }

  /** The reason given for `field` (a JSON path such as `spec.targetRef.kind`), if any. */
  reasonFor(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.reason;
  }
}

/** The ApiError for a failed response's body (whatever it holds). */
export function apiError(status: number, body: unknown): ApiError {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const fields = Array.isArray(record['invalid_parameters'])
    ? (record['invalid_parameters'] as unknown[]).flatMap((entry) => {
        const e = entry as Record<string, unknown>;
        return typeof e['field'] === 'string' ? [{ field: e['field'], reason: String(e['reason'] ?? '') }] : [];
      })
    : [];
  const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : '');
  return new ApiError(status, text('title') || `HTTP ${status}`, text('detail'), fields);
}

/** The data of an openapi-fetch result, or its ApiError thrown: what a query function returns. */
export function dataOf<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  throw apiError(result.response.status, result.error);
}
