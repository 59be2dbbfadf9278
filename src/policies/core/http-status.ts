/** HTTP status codes in policy schemas (fault aborts, rate limit responses, health check expectations). */
import { Type, type SchemaOptions } from '@sinclair/typebox';

export const HttpStatus = (options: SchemaOptions = {}) =>
  Type.Integer({
    minimum: 100,
    maximum: 599,
    errorMessage: 'must be an HTTP status code between 100 and 599',
    ...options,
  });
