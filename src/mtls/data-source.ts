/**
 * Kuma data sources: where a provided CA's certificate or key comes from.
 * Exactly one of `secret` (a Secret of the mesh), `file` (on the control plane
 * host), `inline` (base64) or `inlineString` (text) is set; the schema
 * (src/api/kinds/datasource.ts) has already checked that much.
 */
import { readFile } from 'node:fs/promises';
import { KogumaError } from '../api/errors.js';
import type { ResourceStore } from '../store/index.js';

export type DataSource =
  | { readonly secret: string }
  | { readonly file: string }
  | { readonly inline: string }
  | { readonly inlineString: string };

/** The decoded bytes of a Secret of the mesh in question, or undefined when there is none. */
export type SecretReader = (name: string) => Promise<Uint8Array | undefined>;

/** Reads Secrets of `mesh` from the store, decoding their base64 `data`. */
export function storeSecretReader(store: ResourceStore, mesh: string): SecretReader {
  return async (name) => {
    const secret = await store.get({ kind: 'Secret', mesh, name });
    return secret ? new Uint8Array(Buffer.from(String(secret.spec['data'] ?? ''), 'base64')) : undefined;
  };
}

export interface DataSourceContext {
  readonly readSecret: SecretReader;
  /** Path of the data source in the document, e.g. `mtls.backends[1].conf.cert`. */
  readonly field: string;
  /** Reads a file; node:fs by default, replaceable in tests. */
  readonly readFile?: (path: string) => Promise<Uint8Array>;
}

const STRICT_BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const unusable = (field: string, reason: string): KogumaError =>
  new KogumaError('InvalidInput', `${field} ${reason}`, [{ field, reason }]);

/** The bytes a data source points at; a missing secret or file is an InvalidInput naming the field. */
export async function resolveDataSource(source: DataSource, context: DataSourceContext): Promise<Uint8Array> {
  const { field } = context;
  if ('secret' in source) {
    const data = await context.readSecret(source.secret);
    if (data === undefined) throw unusable(`${field}.secret`, `names Secret "${source.secret}", which does not exist in this mesh`);
    return data;
  }
  if ('file' in source) {
    try {
      return await (context.readFile ?? readFile)(source.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${(error as Error).message})`;
      throw unusable(`${field}.file`, `names file "${source.file}", which ${why} on the control plane`);
    }
  }
  if ('inline' in source) {
    // Buffer.from skips characters it does not know; refuse them instead of decoding garbage.
    const base64 = source.inline.replace(/\s+/g, '');
    if (!STRICT_BASE64.test(base64)) throw unusable(`${field}.inline`, 'must be base64');
    return new Uint8Array(Buffer.from(base64, 'base64'));
  }
  return new Uint8Array(Buffer.from(source.inlineString, 'utf8'));
}

/** The same, as UTF-8 text: what PEM certificates and keys are. */
export async function resolveDataSourceText(source: DataSource, context: DataSourceContext): Promise<string> {
  return Buffer.from(await resolveDataSource(source, context)).toString('utf8');
}
