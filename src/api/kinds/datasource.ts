/**
 * Kuma data sources: where a certificate, key or token comes from. Exactly one
 * field is set. What a source holds is at most INPUT_LIMITS.maxDataSourceBytes;
 * the inline forms are bounded here, a file and a Secret when they are read
 * (mtls/data-source.ts).
 */
import { Type } from '@sinclair/typebox';
import { formatBytes, INPUT_LIMITS } from '../input-limits.js';
import { ReferenceName, Strict } from '../primitives.js';

const MAX = INPUT_LIMITS.maxDataSourceBytes;
/** Linux's PATH_MAX. */
const MAX_PATH_LENGTH = 4096;

/**
 * One object with four optional fields and exactly one of them set, rather
 * than a union of four: an error then names the field that is wrong
 * (`conf.cert.secret: must be a resource name`), not just the union.
 */
export const DataSource = (description: string) =>
  Strict(
    {
      secret: Type.Optional(ReferenceName({ description: 'Name of a Secret in the same mesh.' })),
      file: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: MAX_PATH_LENGTH,
          description: `Path of a regular file on the control plane host, at most ${formatBytes(MAX)}.`,
        }),
      ),
      // Base64 takes 4 characters per 3 bytes; whitespace between lines is allowed, so leave room for it.
      inline: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: Math.ceil((MAX / 3) * 4 * 1.05),
          contentEncoding: 'base64',
          description: `Base64 of the content, at most ${formatBytes(MAX)}.`,
        }),
      ),
      inlineString: Type.Optional(
        Type.String({ minLength: 1, maxLength: MAX, description: `The content as text, at most ${formatBytes(MAX)}.` }),
      ),
    },
    {
      description,
      minProperties: 1,
      maxProperties: 1,
      errorMessage: 'must have exactly one of secret, file, inline or inlineString',
    },
  );
