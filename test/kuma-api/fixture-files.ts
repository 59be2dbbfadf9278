/**
 * Kuma's REST API fixtures (the shared `kuma-api/fixtures` directory beside
 * the repository), read as Kuma's own API test reads them:
 *
 *   <name>.input.yaml          leading `#<path> <status> [method=X]` lines are the requests;
 *                              the YAML documents below them are the store's content
 *   <name>[_NN].golden.json    the expected body of request NN (no suffix when there is one request)
 *   <name>[_NN].request.json   the body sent with a PUT or POST
 *
 * `base_endpoints/` holds goldens without an input: each is a GET of the path
 * its name spells (`who-am-i.golden.json` is `GET /who-am-i`) on an empty store.
 * Goldens elsewhere without an input file belong to Kuma tests that build
 * their requests in code; they are not requests here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, visit } from 'yaml';

/** The repository (this file runs from dist/test/kuma-api/). */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export const FIXTURES_ENV = 'KOGUMA_KUMA_FIXTURES';

/** The fixtures directory: $KOGUMA_KUMA_FIXTURES, else `../shared/kuma-api/fixtures` from the repository. */
export function fixturesDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return resolve(env[FIXTURES_ENV] ?? join(REPO, '..', 'shared', 'kuma-api', 'fixtures'));
}

export interface FixtureRequest {
  /** The golden's name relative to the fixtures directory, without `.golden.json`: `resources/crud/list_mesh_02`. */
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The expected body; undefined when the fixture has no golden for this request (status only). */
  readonly golden?: unknown;
  /** The raw body to send. */
  readonly body?: string;
}

export interface Fixture {
  /** Relative to the fixtures directory, without `.input.yaml`. */
  readonly name: string;
  /** The directory of the fixture, relative: `resources/crud`. */
  readonly folder: string;
  readonly documents: readonly Record<string, unknown>[];
  readonly requests: readonly FixtureRequest[];
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const readJson = (file: string): unknown => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);
const readText = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

/** The request lines Kuma reads: `#` lines at the very top, until the first other line. */
function requestLines(text: string): { method: string; path: string; status: number }[] {
  const requests = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    const match = /^#(\/\S*)\s+(\d{3})(.*)$/.exec(line);
    if (!match) continue;
    const method = /\bmethod=(\S+)/.exec(match[3] ?? '')?.[1] ?? 'GET';
    requests.push({ method: method.toUpperCase(), path: match[1]!, status: Number(match[2]) });
  }
  return requests;
}

/**
 * One document as Go's YAML reads it: a block scalar that runs to the end of
 * the text, with no line break after it, has none in its value either.
 */
function goDocument(part: string): unknown {
  const document = parseDocument(part);
  visit(document, {
    Scalar(_, node) {
      const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      if (block && node.range?.[1] === part.length && typeof node.value === 'string' && node.value.endsWith('\n'))
        node.value = node.value.slice(0, -1);
    },
  });
  return document.toJSON() as unknown;
}

/**
 * The documents as Kuma's test loader reads them: split at `---` lines and
 * each trimmed, so a block scalar that ends a document loses its final line
 * break (as in Kuma's golden answers).
 */
function documentsOf(text: string): Record<string, unknown>[] {
  return text
    .trim()
    .split(/(?:^|\s*\n)---\s*/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(goDocument)
    .filter((value): value is Record<string, unknown> => typeof value === 'object' && value !== null);
}

function inputFixture(dir: string, file: string): Fixture {
  const text = readFileSync(file, 'utf8');
  const base = file.slice(0, -'.input.yaml'.length);
  const lines = requestLines(text);
  const documents = documentsOf(text);
  const requests = lines.map((line, index) => {
    const file = lines.length === 1 ? base : `${base}_${String(index).padStart(2, '0')}`;
    const golden = readJson(`${file}.golden.json`);
    const body = line.method === 'PUT' || line.method === 'POST' ? readText(`${file}.request.json`) : undefined;
    return {
      id: relative(dir, file),
      ...line,
      ...(golden === undefined ? {} : { golden }),
      ...(body === undefined ? {} : { body }),
    };
  });
  const name = relative(dir, base);
  return { name, folder: relative(dir, join(file, '..')), documents, requests };
}

function baseEndpointFixture(dir: string, file: string): Fixture {
  const name = relative(dir, file).slice(0, -'.golden.json'.length);
  const request = { id: name, method: 'GET', path: `/${basename(name)}`, status: 200, golden: readJson(file) };
  return { name, folder: 'base_endpoints', documents: [], requests: [request] };
}

/** Every fixture with requests, sorted by name. */
export function readFixtures(dir: string): Fixture[] {
  const files = walk(dir);
  const inputs = files.filter((f) => f.endsWith('.input.yaml')).map((f) => inputFixture(dir, f));
  const base = files
    .filter((f) => relative(dir, f).startsWith('base_endpoints/') && f.endsWith('.golden.json'))
    .filter((f) => !existsSync(f.replace(/\.golden\.json$/, '.input.yaml')))
    .map((f) => baseEndpointFixture(dir, f));
  return [...inputs, ...base].sort((a, b) => a.name.localeCompare(b.name));
}
