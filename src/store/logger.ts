/**
 * The little a store needs from a logger. pino's Logger satisfies it; tests and
 * callers without logging pass nothing and get `silentLogger`. Kept structural so
 * the store does not depend on how the composition root builds its logger.
 */
export interface StoreLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const ignore = (): void => {};

export const silentLogger: StoreLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
