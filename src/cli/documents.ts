/**
 * Reads what `koguma apply -f` names — files, directories, stdin — and parses
 * it into documents, every one of them before anything is validated or sent.
 *
 *   -f a.yaml -f dir/ -f -  ─►  sources (name, text)  ─►  documents (source#index, value)
 *
 * YAML sources may hold several documents separated by `---`; a `.json` file
 * holds one JSON document. Empty documents (a trailing `---`, a comment) are
 * skipped but still counted, so `#3` is the third document as a person counts
 * the separators.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { readYamlDocuments } from '../api/index.js';
import { CliError } from './errors.js';

export interface Source {
  /** The path as given (or `<stdin>`), used in every message about its documents. */
  readonly name: string;
  readonly text: string;
}

export interface SourceDocument {
  readonly source: string;
  /** 1-based position of the document within its source. */
  readonly index: number;
  readonly value: unknown;
}

export const STDIN = '<stdin>';
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

const systemReasons: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
};

function readFailure(path: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (code !== undefined ? systemReasons[code] : undefined) ?? (error as Error).message;
  return new CliError(`cannot read ${path}: ${reason}`);
}

/** The files a `-f` argument stands for: itself, or a directory's manifests sorted by name. */
async function filesOf(path: string): Promise<string[]> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    throw readFailure(path, error);
  }
  if (!isDirectory) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase()))
    .map((entry) => entry.name)
    .sort()
    .map((name) => join(path, name));
}

/** Reads every source named by `-f`, in order; `-` is stdin and may appear once. */
export async function readSources(paths: readonly string[], readStdin: () => Promise<string>): Promise<Source[]> {
  if (paths.filter((p) => p === '-').length > 1) throw new CliError('stdin (-f -) can be read only once');
  const sources: Source[] = [];
  for (const path of paths) {
    if (path === '-') {
      sources.push({ name: STDIN, text: await readStdin() });
      continue;
    }
    for (const file of await filesOf(path)) {
      try {
        sources.push({ name: file, text: await readFile(file, 'utf8') });
      } catch (error) {
        throw readFailure(file, error);
      }
    }
  }
  return sources;
}

/** The first line of a parser message (the yaml library appends a code excerpt). */
const firstLine = (message: string): string => message.split('\n')[0]?.replace(/:$/, '') ?? message;

/** Parses one source; returns its documents, or the problems that make it unreadable. */
export function parseSource(source: Source): { documents: SourceDocument[]; problems: string[] } {
  if (extname(source.name).toLowerCase() === '.json') {
    try {
      return {
        documents: [{ source: source.name, index: 1, value: JSON.parse(source.text) as unknown }],
        problems: [],
      };
    } catch (error) {
      return { documents: [], problems: [`${source.name}: ${(error as Error).message}`] };
    }
  }
  const documents: SourceDocument[] = [];
  const problems: string[] = [];
  // Depth-bounded: a file nested thousands of levels deep is refused, not a crash.
  readYamlDocuments(source.text).forEach((document, i) => {
    const at = `${source.name}#${i + 1}`;
    if (!document.ok) problems.push(`${at}: ${firstLine(document.reason)}`);
    else if (document.value !== null && document.value !== undefined)
      documents.push({ source: source.name, index: i + 1, value: document.value });
  });
  return { documents, problems };
}

/** Reads and parses every source; fails on any parse problem or when there is nothing to apply. */
export async function loadDocuments(
  paths: readonly string[],
  readStdin: () => Promise<string>,
): Promise<SourceDocument[]> {
  const sources = await readSources(paths, readStdin);
  const parsed = sources.map(parseSource);
  const problems = parsed.flatMap((p) => p.problems);
  if (problems.length > 0) throw new CliError('cannot parse the input; nothing was applied', problems);
  const documents = parsed.flatMap((p) => p.documents);
  if (documents.length === 0) {
    const names = sources.map((s) => s.name).join(', ');
    throw new CliError(`no documents found${names === '' ? '' : ` in ${names}`}`);
  }
  return documents;
}

/** All of stdin as text. */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
