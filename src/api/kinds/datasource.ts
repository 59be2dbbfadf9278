/** Kuma data sources: where a certificate, key or token comes from. Exactly one field is set. */
import { Type } from '@sinclair/typebox';
import { Strict } from '../primitives.js';

export const DataSource = (description: string) =>
  Type.Union(
    [
      Strict({ secret: Type.String({ minLength: 1, description: 'Name of a Secret in the same mesh.' }) }),
      Strict({ file: Type.String({ minLength: 1, description: 'Path of a file on the control plane host.' }) }),
      Strict({ inline: Type.String({ minLength: 1, contentEncoding: 'base64', description: 'Base64 of the content.' }) }),
      Strict({ inlineString: Type.String({ minLength: 1, description: 'The content as text.' }) }),
    ],
    { description, errorMessage: 'must have exactly one of secret, file, inline or inlineString' },
  );
