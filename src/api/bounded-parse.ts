/**
 * Reading YAML or JSON text that came from outside, within INPUT_LIMITS:
 *
 *   text ─► size limit ─► parse, depth-bounded ─► shape check (depth, NUL, Unicode) ─► value
 *
 * JSON.parse does not recurse, so JSON is parsed first and its value walked.
 * The YAML composer does recurse (one stack frame chain per nesting level, and
 * past a few thousand levels it has taken the whole process down), so YAML is
 * read in two steps: the package's own CST parser, which keeps the open
 * collections on an explicit stack, is fed token by token and stops as soon
 * as that stack is deeper than the limit; only a text that passed is composed.
 *
 * Every reader answers with the value or with one invalid parameter naming
 * `field`, the place of the text in its document.
 */
import { Composer, Lexer, Parser, type CST } from 'yaml';
import type { InvalidParameter } from './errors.js';
import { formatBytes, INPUT_LIMITS, shapeIssue, shapeParameter } from './input-limits.js';

export type Parsed =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly issue: InvalidParameter };

export interface ReadOptions {
  /** Largest text accepted, in UTF-8 bytes. */
  readonly maxBytes: number;
  readonly maxDepth?: number;
}

const refuse = (field: string, reason: string): Parsed => ({ ok: false, issue: { field, reason } });

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function sizeIssue(text: string, field: string, maxBytes: number): Parsed | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > maxBytes
    ? refuse(field, `must be at most ${formatBytes(maxBytes)} (it is ${formatBytes(bytes)})`)
    : undefined;
}

/**
 * A value read from JSON text. Issues inside the value are reported below
 * `field` (`dataplaneResource.networking.inbound[0]...`), since JSON text is
 * a document of its own that users think of as fields.
 */
export function readJson(text: string, field: string, options: ReadOptions): Parsed {
  const tooLarge = sizeIssue(text, field, options.maxBytes);
  if (tooLarge) return tooLarge;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refuse(field, `is not valid JSON: ${message(error)}`);
  }
  const issue = shapeParameter(value, field, options.maxDepth);
  return issue === undefined ? { ok: true, value } : { ok: false, issue };
}

const COLLECTIONS: ReadonlySet<string> = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * The CST of `text`, or undefined as soon as collections are open more than
 * `maxDepth` deep. The parser's stack holds exactly the collections still
 * open around the current token (a complex key counts one more), so its
 * height is the nesting depth the composer would recurse through.
 */
function boundedCst(text: string, maxDepth: number): CST.Token[] | undefined {
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    // The document token and a scalar in progress sit on the stack too: count only when it could matter.
    if (parser.stack.length > maxDepth && parser.stack.filter((token) => COLLECTIONS.has(token.type)).length > maxDepth)
      return undefined;
  }
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

/**
 * A value read from YAML (so JSON too) text. Issues are reported on `field`
 * itself, with the place inside the text in the reason, since the text is one
 * string value of its document.
 */
export function readYaml(text: string, field: string, options: ReadOptions): Parsed {
  const tooLarge = sizeIssue(text, field, options.maxBytes);
  if (tooLarge) return tooLarge;
  const maxDepth = options.maxDepth ?? INPUT_LIMITS.maxDepth;
  const tokens = boundedCst(text, maxDepth);
  if (tokens === undefined) return refuse(field, `nested deeper than ${maxDepth} levels`);

  const documents = [...new Composer({ logLevel: 'error' }).compose(tokens, true, text.length)];
  const [document] = documents;
  if (document === undefined) return { ok: true, value: null };
  if (documents.length > 1) return refuse(field, 'must be a single YAML document');
  const [error] = document.errors;
  if (error !== undefined) return refuse(field, `is not valid YAML: ${error.message}`);
  let value: unknown;
  try {
    // Aliases are expanded here (at most 100 of them, the package's default guard).
    value = document.toJS({ maxAliasCount: 100 });
  } catch (problem) {
    return refuse(field, `is not valid YAML: ${message(problem)}`);
  }
  // Aliases can nest what the text did not, and strings may hold what cannot be stored.
  const issue = shapeIssue(value, maxDepth);
  if (issue === undefined) return { ok: true, value };
  return refuse(field, issue.path === '' ? issue.reason : `${issue.reason} (at ${issue.path})`);
}

/** "at line L, column C" of an offset in `text`, as the yaml package's own messages say it. */
function placeOf(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `at line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

export type YamlDocument =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/**
 * Every document of a YAML stream (`---` separated), the whole stream read
 * within the depth limit, each document's value or why it cannot be read;
 * a stream nested too deep is one unreadable document. For what a person
 * hands the CLI or the agent: no size limit, their own files.
 */
export function readYamlDocuments(text: string, maxDepth: number = INPUT_LIMITS.maxDepth): YamlDocument[] {
  const tokens = boundedCst(text, maxDepth);
  if (tokens === undefined) return [{ ok: false, reason: `nested deeper than ${maxDepth} levels` }];
  return [...new Composer({ logLevel: 'error' }).compose(tokens, true, text.length)].map((document): YamlDocument => {
    const [error] = document.errors;
    if (error !== undefined)
      return {
        ok: false,
        reason: `${error.message.split('\n')[0]?.replace(/:$/, '') ?? error.message} ${placeOf(text, error.pos[0])}`,
      };
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (problem) {
      return { ok: false, reason: message(problem) };
    }
    const issue = shapeIssue(value, maxDepth);
    if (issue === undefined) return { ok: true, value };
    return { ok: false, reason: issue.path === '' ? issue.reason : `${issue.reason} (at ${issue.path})` };
  });
}
