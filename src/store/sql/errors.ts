/**
 * Translation of database client errors into KogumaError, shared by both drivers
 * (PGlite and the `postgres` package both put the SQLSTATE on `error.code`; the
 * `postgres` package puts its socket and pool failures there too).
 *
 * Only the cases callers can act on get their own code: a unique violation is a
 * Conflict, a lost or refused connection is Unavailable (retry later, keep the
 * last good config). Anything else is Internal, with the original kept as
 * `cause` for logs but not exposed as the message's shape.
 */
import { KogumaError } from '../../api/index.js';

const uniqueViolation = '23505';

/** Socket errors and the `postgres` package's own connection error codes. */
const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/** SQLSTATEs that mean "the server is not serving you now" rather than "your statement is wrong". */
function isUnavailableState(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception
    code === '57P01' || // admin_shutdown
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now
    code === '53300' // too_many_connections
  );
}

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Keeps the client's error on `cause`, for logs. */
export function withCause(error: KogumaError, cause: unknown): KogumaError {
  error.cause = cause;
  return error;
}

/**
 * A failure to start (connect, lock, migrate) is read by an operator, not by an
 * API client: unlike errors of single operations, it says what the database said.
 */
export function startFailure(database: string, error: unknown): KogumaError {
  const translated = storeErrorOf(error, database);
  const cause = translated.cause ?? error;
  return withCause(
    new KogumaError(translated.code, `cannot start the store on ${database}: ${messageOf(cause)}`),
    cause,
  );
}

/** Maps any error thrown by a client to a KogumaError; `database` names the database for messages. */
export function storeErrorOf(error: unknown, database: string): KogumaError {
  if (error instanceof KogumaError) return error;
  const code = codeOf(error) ?? '';
  if (code === uniqueViolation) {
    return withCause(new KogumaError('Conflict', 'a row with the same key already exists'), error);
  }
  if (connectionErrorCodes.has(code) || isUnavailableState(code)) {
    return withCause(new KogumaError('Unavailable', `${database} is unavailable: ${messageOf(error)}`), error);
  }
  return withCause(new KogumaError('Internal', `${database} failed a store operation (${code || 'no code'})`), error);
}

/** Runs a client call and translates what it throws. */
export async function translated<T>(database: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storeErrorOf(error, database);
  }
}
