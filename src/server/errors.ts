/**
 * REST error bodies in Kuma's format:
 *   {type: "/std-errors", status, title, detail, invalid_parameters?: [{field, reason}]}
 * Every failure, ours or fastify's (bad JSON, body too large, unknown route),
 * leaves the API in this shape, so clients need one parser.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { httpStatusOf, KogumaError, titleOf, type ErrorCode, type InvalidParameter } from '../api/index.js';

export interface ErrorBody {
  readonly type: '/std-errors';
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly invalid_parameters?: readonly InvalidParameter[];
}

export function errorBody(
  code: ErrorCode,
  detail: string,
  invalidParameters: readonly InvalidParameter[] = [],
  title: string = titleOf[code],
): ErrorBody {
  return {
    type: '/std-errors',
    status: httpStatusOf[code],
    title,
    detail,
    ...(invalidParameters.length > 0 ? { invalid_parameters: invalidParameters } : {}),
  };
}

/** Fastify's own client errors, by their stable codes. */
const fastifyCodes: Readonly<Record<string, { code: ErrorCode; detail: (e: FastifyError) => string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'PayloadTooLarge',
    detail: () => 'request body is larger than the API accepts (the limit is set by --api-body-limit)',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'InvalidInput', detail: (e) => `body is not valid JSON: ${e.message}` },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'InvalidInput',
    detail: () => 'body is empty; send a resource document as JSON',
  },
};

function toBody(error: FastifyError | KogumaError | Error): ErrorBody {
  if (error instanceof KogumaError) return errorBody(error.code, error.message, error.invalidParameters, error.title);
  const fastifyError = error as FastifyError;
  const known = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (known) return errorBody(known.code, known.detail(fastifyError));
  if (error instanceof SyntaxError) return errorBody('InvalidInput', `body is not valid JSON: ${error.message}`);
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return { type: '/std-errors', status, title: 'Bad request', detail: error.message };
  }
  return errorBody('Internal', 'the control plane failed to handle this request; see its log');
}

export function installErrorHandling(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const body = toBody(error);
    // An outage is logged once by the store; each refused request only at warn, without a stack.
    if (body.status === 503)
      logger.warn({ method: request.method, url: request.url, detail: body.detail }, 'request refused: unavailable');
    else if (body.status >= 500)
      logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
    else
      logger.debug(
        { method: request.method, url: request.url, status: body.status, detail: body.detail },
        'request refused',
      );
    void reply.status(body.status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .type('application/json')
      .send(errorBody('NotFound', `no API endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`));
  });
}
