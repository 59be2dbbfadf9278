/**
 * REST error bodies in Kuma's format:
 *   {type: "/std-errors", status, title, detail, invalid_parameters?: [{field, reason}],
 *    details, causes?: [{field, message}]}
 * (`details` and `causes` repeat `detail` and `invalid_parameters` under the
 * names older Kuma clients read). Every failure, ours or fastify's (bad JSON,
 * body too large, unknown route), leaves the API in this shape, so clients
 * need one parser.
 *
 * The title says what failed, as Kuma words it: the error's own title, else
 * the route's (`config: { errorTitle }`, e.g. "Could not retrieve a resource"),
 * else one by error code. On a route with a title, a missing resource is
 * reported as Kuma reports it, "Not found" (unless the error has a title of its own).
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
  readonly details: string;
  readonly causes?: readonly { readonly field: string; readonly message: string }[];
}

/** Route option naming what the route does when it fails. */
export interface ErrorTitleConfig {
  readonly errorTitle?: string;
}

export function errorBody(
  code: ErrorCode,
  detail: string,
  invalidParameters: readonly InvalidParameter[] = [],
  title: string = titleOf[code],
): ErrorBody {
  return bodyWith(httpStatusOf[code], title, detail, invalidParameters);
}

function bodyWith(
  status: number,
  title: string,
  detail: string,
  invalidParameters: readonly InvalidParameter[] = [],
): ErrorBody {
  return {
    type: '/std-errors',
    status,
    title,
    detail,
    ...(invalidParameters.length > 0 ? { invalid_parameters: invalidParameters } : {}),
    details: detail,
    ...(invalidParameters.length > 0
      ? { causes: invalidParameters.map(({ field, reason }) => ({ field, message: reason })) }
      : {}),
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

function toBody(error: FastifyError | KogumaError | Error, routeTitle: string | undefined): ErrorBody {
  if (error instanceof KogumaError) {
    // The route names what failed for what the caller asked wrongly; refusals (access, read-only) keep their own titles.
    const titled = error.code === 'InvalidInput' || error.code === 'NotFound' ? routeTitle : undefined;
    const title = error.title ?? titled ?? titleOf[error.code];
    // A missing resource is "Not found" in Kuma's words; an error with its own title keeps its own detail.
    const missing = titled !== undefined && error.code === 'NotFound' && error.title === undefined;
    const detail = missing ? 'Not found' : error.message;
    return errorBody(error.code, detail, error.invalidParameters, title);
  }
  const fastifyError = error as FastifyError;
  const known = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (known) return errorBody(known.code, known.detail(fastifyError));
  if (error instanceof SyntaxError) return errorBody('InvalidInput', `body is not valid JSON: ${error.message}`);
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return bodyWith(status, 'Bad request', error.message);
  }
  return errorBody('Internal', 'the control plane failed to handle this request; see its log');
}

export function installErrorHandling(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const body = toBody(error, (request.routeOptions.config as ErrorTitleConfig | undefined)?.errorTitle);
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
