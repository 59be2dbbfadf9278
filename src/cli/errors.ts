/**
 * CliError: a failure the CLI reports to a person and exits on. Commands throw
 * it; only `main.ts` prints it, so every error reads the same:
 *
 *   Error: <message>
 *   <detail line>...
 */

export class CliError extends Error {
  /** Lines printed after the message, as they are (callers indent if they want). */
  readonly details: readonly string[];
  readonly exitCode: number;

  constructor(message: string, details: readonly string[] = [], exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.details = details;
    this.exitCode = exitCode;
  }
}

/** The JSON error body of the REST API (`type: /std-errors`). */
export interface ServerErrorBody {
  readonly type?: string;
  readonly status?: number;
  readonly title?: string;
  readonly detail?: string;
  readonly invalid_parameters?: readonly { readonly field?: string; readonly reason?: string }[];
}

/** A non-2xx answer of the REST API, with its parsed body when it had one. */
export class ApiError extends CliError {
  readonly status: number;
  readonly body: ServerErrorBody | undefined;

  constructor(status: number, statusText: string, body: ServerErrorBody | undefined) {
    const summary = [body?.title, body?.detail].filter((part) => part !== undefined && part !== '').join(': ');
    const details = (body?.invalid_parameters ?? []).map((p) => `  ${p.field ?? '?'}: ${p.reason ?? '?'}`);
    super(summary === '' ? `HTTP ${status} ${statusText}`.trim() : summary, details);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** The lines `main.ts` writes to stderr for any error a command let through. */
export function errorLines(error: unknown): string[] {
  if (error instanceof CliError) return [`Error: ${error.message}`, ...error.details];
  if (error instanceof Error) return [`Error: ${error.message}`];
  return [`Error: ${String(error)}`];
}
