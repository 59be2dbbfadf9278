/**
 * Typed errors with stable codes. Everything inside the control plane throws or
 * returns these; only the edges (REST, xDS) translate a code into a transport
 * status, through the tables below, so a code means the same thing everywhere.
 */

export type ErrorCode =
  | 'InvalidInput'
  | 'NotFound'
  | 'Conflict'
  | 'ReadOnly'
  | 'Unauthenticated'
  | 'Forbidden'
  | 'PayloadTooLarge'
  | 'Unavailable'
  | 'Internal';

/** One rejected field: a dotted path from the document root and why it was rejected. */
export interface InvalidParameter {
  readonly field: string;
  readonly reason: string;
}

export class KogumaError extends Error {
  readonly code: ErrorCode;
  readonly invalidParameters: readonly InvalidParameter[];
  /** The REST title when the failure has its own (Kuma titles some by what failed: "Failed to retrieve Mesh"). */
  readonly title: string | undefined;

  constructor(code: ErrorCode, message: string, invalidParameters: readonly InvalidParameter[] = [], title?: string) {
    super(message);
    this.name = 'KogumaError';
    this.code = code;
    this.invalidParameters = invalidParameters;
    this.title = title;
  }
}

export const httpStatusOf: Readonly<Record<ErrorCode, number>> = {
  InvalidInput: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  NotFound: 404,
  ReadOnly: 405,
  Conflict: 409,
  PayloadTooLarge: 413,
  Internal: 500,
  Unavailable: 503,
};

/**
 * gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html)
 * for the xDS server. Numbers, so this module needs no gRPC library.
 */
export const grpcStatusOf: Readonly<Record<ErrorCode, number>> = {
  InvalidInput: 3, // INVALID_ARGUMENT
  NotFound: 5, // NOT_FOUND
  Conflict: 10, // ABORTED
  ReadOnly: 9, // FAILED_PRECONDITION
  Unauthenticated: 16, // UNAUTHENTICATED
  Forbidden: 7, // PERMISSION_DENIED
  PayloadTooLarge: 8, // RESOURCE_EXHAUSTED
  Unavailable: 14, // UNAVAILABLE
  Internal: 13, // INTERNAL
};

/** Short human titles for the REST error body. */
export const titleOf: Readonly<Record<ErrorCode, string>> = {
  InvalidInput: 'Invalid input',
  Unauthenticated: 'Unauthenticated',
  Forbidden: 'Forbidden',
  NotFound: 'Not found',
  ReadOnly: 'Read only',
  Conflict: 'Conflict',
  PayloadTooLarge: 'Payload too large',
  Internal: 'Internal error',
  Unavailable: 'Unavailable',
};

export const notFound = (what: string): KogumaError => new KogumaError('NotFound', `${what} not found`);

export const invalidInput = (issues: readonly InvalidParameter[], message = 'Resource is not valid'): KogumaError =>
  new KogumaError('InvalidInput', message, issues);

export function isKogumaError(error: unknown, code?: ErrorCode): error is KogumaError {
  return error instanceof KogumaError && (code === undefined || error.code === code);
}
