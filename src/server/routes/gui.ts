/**
 * The web GUI, a single-page app built into a directory (the package's
 * `dist/gui` by default), served on the API's port under `/gui/`:
 *
 *   /gui                        301 to /gui/
 *   /gui/, /gui/any/deep/link    index.html (the app routes in the browser), Cache-Control: no-cache
 *   /gui/assets/NAME-HASH.js     the file, Cache-Control: public, max-age=31536000, immutable
 *   /gui/assets/missing.js       404 (an asset is never answered with the page)
 *   /favicon.ico                 the GUI's favicon.ico, else 204: browsers ask the origin's root for it
 *
 * Compressed when the client accepts it: a precompressed sibling (`.br`,
 * `.gz`) when there is one (@fastify/static's preCompressed), else compressed
 * on the fly. Without index.html, every /gui path is a 404 in the API's error
 * format saying how to build it; the directory is read per request, so a
 * GUI built while the control plane runs is served at once. Files are public: access control lets them
 * through without a token (access.ts), as Kuma serves its GUI.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { constants, createBrotliCompress, createGzip } from 'node:zlib';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KogumaError } from '../../api/index.js';

/** The package's built GUI: dist/gui, beside dist/src where this module is compiled to. */
export const defaultGuiDirectory = (): string => fileURLToPath(new URL('../../../gui/', import.meta.url));

const IMMUTABLE = 'public, max-age=31536000, immutable';
const COMPRESSIBLE = /^(text\/|application\/(javascript|json|xml|wasm|manifest\+json)|image\/svg\+xml)/;
/** Smaller files are sent as they are: compressing them saves nothing worth a round of zlib. */
const MIN_COMPRESSED_BYTES = 1024;

export interface Gui {
  /** Whether the directory holds a built GUI now. */
  built(): boolean;
}

export async function registerGuiRoutes(app: FastifyInstance, directory: string): Promise<Gui> {
  const root = resolve(directory);
  const indexFile = resolve(root, 'index.html');
  const built = (): boolean => existsSync(indexFile);
  await app.register(fastifyStatic, {
    root,
    serve: false,
    preCompressed: true,
    cacheControl: false,
    suppressWarning: true,
  });

  const fileAt = (path: string): string | undefined => {
    const file = resolve(root, path);
    const inside = relative(root, file);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
    try {
      return statSync(file).isFile() ? inside : undefined;
    } catch {
      return undefined;
    }
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const [path = '', query] = request.url.split('?', 2);
    if (path === '/gui') return reply.redirect(`/gui/${query === undefined ? '' : `?${query}`}`, 301);
    if (!built())
      throw new KogumaError(
        'NotFound',
        `the GUI is not built: ${root} has no index.html; build it with \`npm run build\``,
        [],
        'GUI not built',
      );
    const wanted = (request.params as { '*'?: string })['*'] ?? '';
    const file = wanted === '' ? undefined : fileAt(wanted);
    if (file === undefined && wanted.startsWith('assets/'))
      throw new KogumaError('NotFound', `the GUI has no file ${wanted}`, [], 'Not found');
    void reply.header('cache-control', file?.startsWith('assets/') ? IMMUTABLE : 'no-cache');
    return reply.sendFile(file ?? 'index.html');
  };
  const options = { onSend: compressOnTheFly };
  app.get('/gui', options, handler);
  app.get('/gui/*', options, handler);
  app.get('/favicon.ico', async (_request, reply) => {
    if (fileAt('favicon.ico') === undefined) return reply.code(204).header('cache-control', 'no-cache').send();
    void reply.header('cache-control', 'no-cache');
    return reply.sendFile('favicon.ico');
  });
  return { built };
}

/** Compresses a file the client could take compressed when no precompressed sibling was sent. */
async function compressOnTheFly(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (!(payload instanceof Readable) || reply.statusCode !== 200 || reply.hasHeader('content-encoding')) return payload;
  const type = String(reply.getHeader('content-type') ?? '');
  const length = Number(reply.getHeader('content-length') ?? Infinity);
  if (!COMPRESSIBLE.test(type) || length < MIN_COMPRESSED_BYTES) return payload;
  const accepted = String(request.headers['accept-encoding'] ?? '');
  const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : undefined;
  if (encoding === undefined) return payload;
  const etag = reply.getHeader('etag');
  if (typeof etag === 'string' && !etag.startsWith('W/')) void reply.header('etag', `W/${etag}`);
  void reply.removeHeader('content-length').header('content-encoding', encoding);
  if (!/accept-encoding/i.test(String(reply.getHeader('vary') ?? ''))) void reply.header('vary', 'accept-encoding');
  // A fast level: this runs per request; precompressed files get the best ratio.
  const compressor =
    encoding === 'br'
      ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
      : createGzip({ level: 6 });
  // The reply ends with the compressor's output; a failed read ends it too.
  return pipeline(payload, compressor, () => undefined);
}
