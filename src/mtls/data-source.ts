/**
 * Kuma data sources: where a provided CA's certificate or key comes from.
 * Exactly one of `secret` (a Secret of the mesh), `file` (on the control plane
 * host), `inline` (base64) or `inlineString` (text) is set; the schema
 * (src/api/kinds/datasource.ts) has already checked that much.
 *
 * What a source holds is read within INPUT_LIMITS.maxDataSourceBytes whatever
 * its form. A file must be a regular file: a device such as /dev/zero never
 * ends, and opening a named pipe waits for a writer that may never come.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { formatBytes, INPUT_LIMITS, KogumaError } from '../api/index.js';
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
  /** Reads a file; `readBoundedFile` by default, replaceable in tests. */
  readonly readFile?: (path: string) => Promise<Uint8Array>;
}

/** A file that is not a regular file, or larger than a data source may be (as `code`, like node's errors). */
class FileRefused extends Error {
  constructor(readonly code: 'ENOTREGULAR' | 'ETOOLARGE') {
    super(code);
  }
}

/**
 * The bytes of a regular file of at most `maxBytes`. Never reads more than
 * `maxBytes + 1` bytes, even of a file that grows while it is read.
 */
export async function readBoundedFile(
  path: string,
  maxBytes: number = INPUT_LIMITS.maxDataSourceBytes,
): Promise<Uint8Array> {
  // Non-blocking: opening a FIFO would otherwise wait for a writer. What was opened is then looked at, not the path.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new FileRefused('ENOTREGULAR');
    if (info.size > maxBytes) throw new FileRefused('ETOOLARGE');
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw new FileRefused('ETOOLARGE');
    }
    return new Uint8Array(buffer.subarray(0, length));
  } finally {
    await handle.close();
  }
}

const STRICT_BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const unusable = (field: string, reason: string): KogumaError =>
  new KogumaError('InvalidInput', `${field} ${reason}`, [{ field, reason }]);

const LIMIT = formatBytes(INPUT_LIMITS.maxDataSourceBytes);

function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
      return 'cannot be read (permission denied)';
    case 'ENOTREGULAR':
      return 'is not a regular file';
    case 'ETOOLARGE':
      return `is larger than ${LIMIT}`;
    default:
      return `cannot be read (${(error as Error).message})`;
  }
}

/** The bytes a data source points at; a missing secret or file is an InvalidInput naming the field. */
export async function resolveDataSource(source: DataSource, context: DataSourceContext): Promise<Uint8Array> {
  const { field } = context;
  const [form, bytes] = await sourceBytes(source, context);
  if (bytes.length > INPUT_LIMITS.maxDataSourceBytes) {
    const what =
      'secret' in source
        ? `names Secret "${source.secret}", which holds more than ${LIMIT}`
        : `must hold at most ${LIMIT}`;
    throw unusable(`${field}.${form}`, what);
  }
  return bytes;
}

async function sourceBytes(source: DataSource, context: DataSourceContext): Promise<[string, Uint8Array]> {
  const { field } = context;
  if ('secret' in source) {
    const data = await context.readSecret(source.secret);
    if (data === undefined)
      throw unusable(`${field}.secret`, `names Secret "${source.secret}", which does not exist in this mesh`);
    return ['secret', data];
  }
  if ('file' in source) {
    try {
      return ['file', await (context.readFile ?? readBoundedFile)(source.file)];
    } catch (error) {
      throw unusable(`${field}.file`, `names file "${source.file}", which ${fileProblem(error)} on the control plane`);
    }
  }
  if ('inline' in source) {
    // Buffer.from skips characters it does not know; refuse them instead of decoding garbage.
    const base64 = source.inline.replace(/\s+/g, '');
    if (!STRICT_BASE64.test(base64)) throw unusable(`${field}.inline`, 'must be base64');
    return ['inline', new Uint8Array(Buffer.from(base64, 'base64'))];
  }
  return ['inlineString', new Uint8Array(Buffer.from(source.inlineString, 'utf8'))];
}

/** The same, as UTF-8 text: what PEM certificates and keys are. */
export async function resolveDataSourceText(source: DataSource, context: DataSourceContext): Promise<string> {
  return Buffer.from(await resolveDataSource(source, context)).toString('utf8');
}
