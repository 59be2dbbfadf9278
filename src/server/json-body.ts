/**
 * The REST API's JSON body parser: fastify's own (prototype poisoning refused),
 * then the shape check every input gets (api/input-limits.ts), before any
 * route sees the body. A body nested deeper than the limit, or holding a NUL or
 * a lone surrogate in a string or key, is a 400 naming the field; the size
 * limit stays fastify's (--api-body-limit, a 413).
 */
import type { FastifyInstance } from 'fastify';
import { invalidInput, shapeParameter } from '../api/index.js';

export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    void parseJson(request, body as string, (error, value: unknown) => {
      if (error) {
        done(error, undefined);
        return;
      }
      const issue = shapeParameter(value, '');
      if (issue === undefined) done(null, value);
      else done(invalidInput([issue], 'request body is not valid'), undefined);
    });
  });
}
